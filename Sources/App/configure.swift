import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import QuartierCore
import Vapor

/// Sets up Quartier on an application: database, sessions, templates, middleware, routes, commands, jobs.
public func configure(_ app: Application, settings: Settings) async throws {
    app.settings = settings
    app.directory = try locateResources(app.directory)
    app.catalog = try Catalog.load(from: URL(fileURLWithPath: app.directory.resourcesDirectory).appendingPathComponent("Localization"))

    app.http.server.configuration.hostname = settings.host
    app.http.server.configuration.port = settings.port
    // Large enough for a CSV import; every form is read into memory once, by the CSRF check.
    app.routes.defaultMaxBodySize = ImportController.maximumSize

    switch settings.database {
    case .sqliteFile(let path):
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory), as: .sqlite)
    case .postgres(let url):
        var configuration = try SQLPostgresConfiguration(url: url)
        if let schema = settings.postgresSchema {
            configuration.searchPath = [schema]
        }
        app.databases.use(.postgres(configuration: configuration), as: .psql)
    }
    app.migrations.add(Migrations.all)

    if settings.mode == .testing {
        app.passwords.use(.bcrypt(cost: 4))
    }

    app.sessions.use(.fluent)
    app.sessions.configuration = SessionsConfiguration(cookieName: "quartier_session") { id in
        HTTPCookies.Value(string: id.string, maxAge: 60 * 60 * 8, path: "/",
                          isSecure: settings.isSecure, isHTTPOnly: true, sameSite: .lax)
    }

    app.views.use(.leaf)
    app.leaf.tags["t"] = LocalizedTextTag()
    app.leaf.cache.isEnabled = settings.mode != .development

    app.pageCache = PageCache(lifetime: settings.pageCacheLifetime)

    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(LanguageMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(User.sessionAuthenticator())
    app.middleware.use(CSRFMiddleware())

    try routes(app)

    app.registerJobHandler(MailDelivery(), for: OutboxMail.jobKind)
    app.registerJobHandler(NewsletterSend(), for: NewsletterSend.jobKind)

    app.asyncCommands.use(ServeWithJobsCommand(), as: "serve", isDefault: true)
    app.asyncCommands.use(QuartierMigrateCommand(), as: "migrate")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(UserCommand(), as: "user")
    app.asyncCommands.use(JobsCommand(), as: "jobs")
}

func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: PortalController(cache: app.pageCache))
    try app.register(collection: LoginController())
    try app.register(collection: AccountController())
    try app.register(collection: DashboardController())
    try app.register(collection: FeedbackController())
    try app.register(collection: OrganisationController())
    try app.register(collection: PersonController())
    try app.register(collection: ContactController())
    try app.register(collection: PrivacyController())
    try app.register(collection: ExportController())
    try app.register(collection: PublicDirectoryController())
    try app.register(collection: NetworkController())
    try app.register(collection: ImportController())
    try app.register(collection: TopicController())
    try app.register(collection: CommitteeController())
    try app.register(collection: MeetingController())
    try app.register(collection: OParlController())
    try app.register(collection: MeetingCalendarController())
    try app.register(collection: PublicCommitteeController())
    try app.register(collection: MemberAreaController())
    try app.register(collection: AgendaFileController())
    try app.register(collection: EventController())
    try app.register(collection: RegistrationController())
    try app.register(collection: PublicEventController())
    try app.register(collection: EventDocumentationController())
    try app.register(collection: WorkshopController())
    try app.register(collection: WorkshopParticipationController())
    try app.register(collection: ProjectController())
    try app.register(collection: IsekController())
    try app.register(collection: PublicProjectController())
    try app.register(collection: NewsController())
    try app.register(collection: PublicNewsController())
    try app.register(collection: InfoPageController())
    try app.register(collection: TranslationController())
    try app.register(collection: NoticeController())
    try app.register(collection: SharingController())
    try app.register(collection: PortalAdminController(cache: app.pageCache))
    try app.register(collection: UserAdminController())
    try app.register(collection: MailAdminController())
    try app.register(collection: AuditController())
    try app.register(collection: FundController())
    try app.register(collection: PublicFundController())
    try app.register(collection: NewsletterController())
    try app.register(collection: NewsletterAdminController())
    try app.register(collection: SurveyController())
    try app.register(collection: SurveyGuideController())
    try app.register(collection: SurveyFieldController())
    try app.register(collection: SurveyCodingController())
    try app.register(collection: SurveyResultsController())
    try app.register(collection: SurveyInterviewController())
    try app.register(collection: SurveyActivationController())
    try app.register(collection: PublicConcernController())
    try app.register(collection: ConcernController())
    try app.register(collection: Open311Controller())
    try app.register(collection: Open311KeyController())
}

/// Templates, catalogs and the stylesheet live beside the package. Quartier finds them in the working directory
/// or, when started from elsewhere, above the executable (as in `.build/release/quartier`).
func locateResources(_ detected: DirectoryConfiguration) throws -> DirectoryConfiguration {
    let marker = "Resources/Localization/de.json"
    let fileManager = FileManager.default
    if fileManager.fileExists(atPath: detected.workingDirectory + marker) { return detected }
    var candidate = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    while candidate.path != "/" {
        if fileManager.fileExists(atPath: candidate.appendingPathComponent(marker).path) {
            return DirectoryConfiguration(workingDirectory: candidate.path)
        }
        candidate.deleteLastPathComponent()
    }
    throw Abort(.internalServerError, reason: "Quartier's Resources folder was not found in \(detected.workingDirectory) nor above the executable; start it from the folder that holds Resources/ and Public/.")
}
