import QuartierCore
import Vapor

/// The one place that builds every URL: routes are registered from the same cases that produce links,
/// so a renamed route cannot leave a dead link behind. Parameterised cases take ":name" when a route is registered.
enum SiteURL: Sendable {
    // Public portal
    case home
    case easyRead
    case imprint
    case privacy
    case accessibility
    case accessibilityThanks
    case language(Language)
    case stylesheet

    // Accounts
    case login
    case logout
    case account

    // Back office (staff and admins)
    case dashboard
    case feedbackList
    case feedbackDone(id: String)

    // Actors (Akteure)
    case organisations
    case organisationNew
    case organisation(id: String)
    case organisationEdit(id: String)
    case outreach
    case persons
    case personNew
    case person(id: String)
    case personEdit(id: String)
    case personFunctions(id: String)
    case personFunctionEnd(id: String, function: String)
    case personConsents(id: String)
    case personConsentWithdraw(id: String, consent: String)
    case personVCard(id: String)
    case personsExportCSV
    case personsExportVCard
    case organisationsExportCSV
    case personsImport
    case personsImportConfirm(id: String)
    case contacts
    case contactNew
    case contact(id: String)
    case followUps
    case followUpDone(id: String)
    case network
    case networkImage
    case topics
    case topic(id: String)
    case fieldsOfAction
    case personPrivacy(id: String)
    case personPrivacyJSON(id: String)
    case personErase(id: String)
    case publicDirectory

    // Committees (Gremien)
    case committees
    case committeeNew
    case committee(id: String)
    case committeeEdit(id: String)
    case committeeMembers(id: String)
    case committeeMemberEnd(id: String, membership: String)
    case committeeMeetings(id: String)
    case meeting(id: String)
    case meetingAgenda(id: String)
    case meetingState(id: String)
    case meetingAttendance(id: String)
    case meetingTasks(id: String)
    case taskDone(id: String)
    case agendaRecord(id: String)
    case meetingInvite(id: String)
    case meetingsFeed
    case publicCommittees
    case committeeFeed(id: String)
    case publicMeeting(id: String)
    case meetingFollowUp(id: String)
    case meetingApproveMinutes(id: String)
    case agendaFiles(id: String)
    case agendaFileDelete(id: String)
    case file(id: String)
    case memberArea
    case memberCommittee(id: String)
    case memberMeeting(id: String)
    case memberTaskDone(id: String)
    case events
    case eventNew
    case event(id: String)
    case eventEdit(id: String)
    case eventState(id: String)
    case eventRegistrations(id: String)
    case eventRegistrationsCSV(id: String)
    case registrationStaffCancel(id: String)
    case eventCheckIn(id: String)
    case registrationCheckIn(id: String)
    case eventWalkIns(id: String)
    case eventDocumentation(id: String)
    case eventWorkshop(id: String)
    case workshopPhase(id: String)
    case workshopParticipation(id: String)
    case workshopCards(id: String)
    case workshopArrange(id: String)
    case workshopClusters(id: String)
    case workshopSketches(id: String)
    case workshopDocumentation(id: String)
    case workshopCard(id: String)
    case workshopCardDelete(id: String)
    case workshopCardReview(id: String)
    case workshopCluster(id: String)
    case workshopClusterDelete(id: String)
    case workshopSketchSteps(id: String)
    case workshopSketchDelete(id: String)
    case workshopStepDelete(id: String)
    case publicWorkshop(id: String)
    case workshopJoin
    case workshopParticipate(code: String)
    case publicEvents
    case publicEvent(id: String)
    case publicEventICS(id: String)
    case eventsFeed
    case eventRegister(id: String)
    case registration(token: String)
    case registrationCancel(token: String)
    case publicEventDocumentation(id: String)
    case eventDocumentationPhotos(id: String)
    case eventDocumentationEntries(id: String)
    case eventPhoto(id: String)
    case eventPhotoEdit(id: String)
    case eventPhotoDelete(id: String)
    case protocolEntry(id: String)
    case protocolEntryDone(id: String)
    case protocolEntryDelete(id: String)

    // Projects (Projekte) and the ISEK
    case isek
    case isekProgramme
    case isekGoals
    case isekMeasures
    case fieldOfAction(id: String)
    case projects
    case projectNew
    case project(id: String)
    case projectEdit(id: String)
    case projectPhase(id: String)
    case projectBudget(id: String)
    case projectMilestones(id: String)
    case projectDiary(id: String)
    case projectEvents(id: String)
    case projectDecisions(id: String)
    case budgetLineDelete(id: String)
    case budgetLine(id: String)
    case milestoneDone(id: String)
    case publicProjects
    case publicProject(id: String)
    case projectPhoto(id: String)

    // Administration (admins only)
    case adminUsers
    case adminUserNew
    case adminUser(id: String)
    case adminUserPassword(id: String)
    case adminOffice
    case adminTexts
    case adminText(key: String, language: String)
    case adminAudit
    case adminMail
    case adminTestMail

    // Operations
    // Verfügungsfonds (neighbourhood fund)
    case publicFund
    case fundApply
    case fundApplicationStatus(token: String)
    case funds
    case fund(id: String)
    case fundApplication(id: String)
    case fundPrecheck(id: String)
    case fundDecision(id: String)
    case fundJury(id: String)
    case fundPayout(id: String)
    case fundProof(id: String)
    case fundReview(id: String)
    case fundFile(id: String)
    // Aktivierende Befragung (activating survey)
    case surveys
    case survey(id: String)
    case surveyPhase(id: String)
    case surveyNotes(id: String)
    case surveyTeams(id: String)
    case surveyTeamMembers(id: String)
    case surveyGuide(id: String)
    case surveyQuestion(id: String)
    case surveyAddresses(id: String)
    case surveyAddressImport(id: String)
    case surveyField(id: String)
    case surveyFieldSync(id: String)
    case surveyInterviews(id: String)
    case surveyInterviewsCSV(id: String)
    case surveyInterview(id: String)
    case surveyVisitDelete(id: String)
    case surveyCoding(id: String)
    case surveyThemes(id: String)
    case surveyResults(id: String)
    case surveyPresentation(id: String)
    case surveyContacts(id: String)
    case surveyInvitationsCSV(id: String)
    case surveyActionGroups(id: String)
    case actionGroup(id: String)
    case actionGroupContinue(id: String)
    case surveyFieldWorker
    case surveyFieldScript

    // Anliegen (concerns) and Open311 GeoReport v2
    case publicConcerns
    case concernNew
    case concern(id: String)
    case concernSupport(id: String)
    case concernPrint(id: String)
    case concernPhoto(id: String)
    case concernsGeoJSON
    case concernConfirm(token: String)
    case concernStatusPage(token: String)
    case concerns
    case concernStaffNew
    case concernStaff(id: String)
    case concernMove(id: String)
    case concernPublish(id: String)
    case concernModerate(id: String)
    case concernAgenda(id: String)
    case concernProject(id: String)
    case concernEraseSubmitter(id: String)
    case concernCategories
    case open311Keys
    case open311KeyRevoke(id: String)
    /// Open311 resources carry their format as a suffix: `services.json`, `requests/<id>.xml`.
    case open311(resource: String)

    // Öffentlichkeitsarbeit: news, pages, content languages, notices, sharing
    case publicNews
    case publicNewsItem(id: String)
    case newsFeed
    case newsImage(id: String)
    case newsNotice(id: String)
    case eventNotice(id: String)
    case projectNotice(id: String)
    case publicPage(slug: String)
    case contentLanguage(ContentLanguage)
    case noticeStylesheet
    case sitemap
    case robots
    case newsAdmin
    case newsNew
    case newsEdit(id: String)
    case newsDelete(id: String)
    case pagesAdmin
    case pageNew
    case pageEdit(id: String)
    case translations(type: String, id: String)

    // Newsletter
    case newsletter
    case newsletterConfirm(token: String)
    case newsletterUnsubscribe(token: String)
    case newsletterIssues
    case newsletterIssue(id: String)
    case newsletterPreview(id: String)
    case newsletterSend(id: String)
    case newsletterLog(id: String)
    case newsletterPrint(id: String)

    case healthz
    case readyz

    var path: String {
        switch self {
        case .home: "/"
        case .easyRead: "/leichte-sprache"
        case .imprint: "/impressum"
        case .privacy: "/datenschutz"
        case .accessibility: "/barrierefreiheit"
        case .accessibilityThanks: "/barrierefreiheit/danke"
        case .language(let language): "/sprache/\(language.rawValue)"
        case .stylesheet: "/css/quartier.css"
        case .login: "/anmelden"
        case .logout: "/abmelden"
        case .account: "/konto"
        case .dashboard: "/verwaltung"
        case .feedbackList: "/verwaltung/rueckmeldungen"
        case .feedbackDone(let id): "/verwaltung/rueckmeldungen/\(id)/erledigt"
        case .organisations: "/verwaltung/organisationen"
        case .organisationNew: "/verwaltung/organisationen/neu"
        case .organisation(let id): "/verwaltung/organisationen/\(id)"
        case .organisationEdit(let id): "/verwaltung/organisationen/\(id)/bearbeiten"
        case .outreach: "/verwaltung/reichweite"
        case .persons: "/verwaltung/personen"
        case .personNew: "/verwaltung/personen/neu"
        case .person(let id): "/verwaltung/personen/\(id)"
        case .personEdit(let id): "/verwaltung/personen/\(id)/bearbeiten"
        case .personFunctions(let id): "/verwaltung/personen/\(id)/funktionen"
        case .personFunctionEnd(let id, let function): "/verwaltung/personen/\(id)/funktionen/\(function)/beenden"
        case .personConsents(let id): "/verwaltung/personen/\(id)/einwilligungen"
        case .personConsentWithdraw(let id, let consent): "/verwaltung/personen/\(id)/einwilligungen/\(consent)/widerrufen"
        case .personVCard(let id): "/verwaltung/personen/\(id)/vcard"
        case .personsExportCSV: "/verwaltung/export/personen.csv"
        case .personsExportVCard: "/verwaltung/export/personen.vcf"
        case .organisationsExportCSV: "/verwaltung/export/organisationen.csv"
        case .personsImport: "/verwaltung/import"
        case .personsImportConfirm(let id): "/verwaltung/import/\(id)"
        case .contacts: "/verwaltung/kontakte"
        case .contactNew: "/verwaltung/kontakte/neu"
        case .contact(let id): "/verwaltung/kontakte/\(id)"
        case .followUps: "/verwaltung/wiedervorlagen"
        case .followUpDone(let id): "/verwaltung/wiedervorlagen/\(id)/erledigt"
        case .network: "/verwaltung/netzwerk"
        case .networkImage: "/verwaltung/netzwerk.svg"
        case .topics: "/verwaltung/themen"
        case .topic(let id): "/verwaltung/themen/\(id)"
        case .fieldsOfAction: "/verwaltung/handlungsfelder"
        case .personPrivacy(let id): "/verwaltung/admin/personen/\(id)/auskunft"
        case .personPrivacyJSON(let id): "/verwaltung/admin/personen/\(id)/auskunft.json"
        case .personErase(let id): "/verwaltung/admin/personen/\(id)/loeschen"
        case .publicDirectory: "/einrichtungen"
        case .committees: "/verwaltung/gremien"
        case .committeeNew: "/verwaltung/gremien/neu"
        case .committee(let id): "/verwaltung/gremien/\(id)"
        case .committeeEdit(let id): "/verwaltung/gremien/\(id)/bearbeiten"
        case .committeeMembers(let id): "/verwaltung/gremien/\(id)/mitglieder"
        case .committeeMemberEnd(let id, let membership): "/verwaltung/gremien/\(id)/mitglieder/\(membership)/beenden"
        case .committeeMeetings(let id): "/verwaltung/gremien/\(id)/sitzungen"
        case .meeting(let id): "/verwaltung/sitzungen/\(id)"
        case .meetingAgenda(let id): "/verwaltung/sitzungen/\(id)/tagesordnung"
        case .meetingState(let id): "/verwaltung/sitzungen/\(id)/status"
        case .meetingAttendance(let id): "/verwaltung/sitzungen/\(id)/anwesenheit"
        case .meetingTasks(let id): "/verwaltung/sitzungen/\(id)/aufgaben"
        case .taskDone(let id): "/verwaltung/aufgaben/\(id)/erledigt"
        case .agendaRecord(let id): "/verwaltung/tagesordnung/\(id)/protokoll"
        case .meetingInvite(let id): "/verwaltung/sitzungen/\(id)/einladung"
        case .meetingsFeed: "/gremien/sitzungen.ics"
        case .publicCommittees: "/gremien"
        case .committeeFeed(let id): "/gremien/\(id)/sitzungen.ics"
        case .publicMeeting(let id): "/gremien/sitzungen/\(id)"
        case .meetingFollowUp(let id): "/verwaltung/sitzungen/\(id)/folgesitzung"
        case .meetingApproveMinutes(let id): "/verwaltung/sitzungen/\(id)/protokoll-genehmigen"
        case .agendaFiles(let id): "/verwaltung/tagesordnung/\(id)/dateien"
        case .agendaFileDelete(let id): "/verwaltung/dateien/\(id)/loeschen"
        case .file(let id): "/dateien/\(id)"
        case .memberArea: "/mein-bereich"
        case .memberCommittee(let id): "/mein-bereich/gremien/\(id)"
        case .memberMeeting(let id): "/mein-bereich/sitzungen/\(id)"
        case .memberTaskDone(let id): "/mein-bereich/aufgaben/\(id)/erledigt"
        case .events: "/verwaltung/veranstaltungen"
        case .eventNew: "/verwaltung/veranstaltungen/neu"
        case .event(let id): "/verwaltung/veranstaltungen/\(id)"
        case .eventEdit(let id): "/verwaltung/veranstaltungen/\(id)/bearbeiten"
        case .eventState(let id): "/verwaltung/veranstaltungen/\(id)/status"
        case .eventRegistrations(let id): "/verwaltung/veranstaltungen/\(id)/anmeldungen"
        case .eventRegistrationsCSV(let id): "/verwaltung/veranstaltungen/\(id)/anmeldungen.csv"
        case .registrationStaffCancel(let id): "/verwaltung/anmeldungen/\(id)/stornieren"
        case .eventCheckIn(let id): "/verwaltung/veranstaltungen/\(id)/einlass"
        case .registrationCheckIn(let id): "/verwaltung/anmeldungen/\(id)/einlass"
        case .eventWalkIns(let id): "/verwaltung/veranstaltungen/\(id)/ohne-anmeldung"
        case .eventDocumentation(let id): "/verwaltung/veranstaltungen/\(id)/dokumentation"
        case .eventWorkshop(let id): "/verwaltung/veranstaltungen/\(id)/werkstatt"
        case .workshopPhase(let id): "/verwaltung/veranstaltungen/\(id)/werkstatt/phase"
        case .workshopParticipation(let id): "/verwaltung/veranstaltungen/\(id)/werkstatt/mitmachen"
        case .workshopCards(let id): "/verwaltung/veranstaltungen/\(id)/werkstatt/karten"
        case .workshopArrange(let id): "/verwaltung/veranstaltungen/\(id)/werkstatt/ordnen"
        case .workshopClusters(let id): "/verwaltung/veranstaltungen/\(id)/werkstatt/cluster"
        case .workshopSketches(let id): "/verwaltung/veranstaltungen/\(id)/werkstatt/projektskizzen"
        case .workshopDocumentation(let id): "/verwaltung/veranstaltungen/\(id)/werkstatt/dokumentation"
        case .workshopCard(let id): "/verwaltung/werkstatt/karten/\(id)"
        case .workshopCardDelete(let id): "/verwaltung/werkstatt/karten/\(id)/loeschen"
        case .workshopCardReview(let id): "/verwaltung/werkstatt/karten/\(id)/pruefen"
        case .workshopCluster(let id): "/verwaltung/werkstatt/cluster/\(id)"
        case .workshopClusterDelete(let id): "/verwaltung/werkstatt/cluster/\(id)/loeschen"
        case .workshopSketchSteps(let id): "/verwaltung/werkstatt/projektskizzen/\(id)/schritte"
        case .workshopSketchDelete(let id): "/verwaltung/werkstatt/projektskizzen/\(id)/loeschen"
        case .workshopStepDelete(let id): "/verwaltung/werkstatt/schritte/\(id)/loeschen"
        case .publicWorkshop(let id): "/veranstaltungen/\(id)/werkstatt"
        case .workshopJoin: "/w"
        case .workshopParticipate(let code): "/w/\(code)"
        case .publicEvents: "/veranstaltungen"
        case .publicEvent(let id): "/veranstaltungen/\(id)"
        case .publicEventICS(let id): "/veranstaltungen/\(id)/termin.ics"
        case .eventsFeed: "/veranstaltungen.ics"
        case .eventRegister(let id): "/veranstaltungen/\(id)/anmeldung"
        case .registration(let token): "/anmeldung/\(token)"
        case .registrationCancel(let token): "/anmeldung/\(token)/stornieren"
        case .publicEventDocumentation(let id): "/veranstaltungen/\(id)/dokumentation"
        case .eventDocumentationPhotos(let id): "/verwaltung/veranstaltungen/\(id)/dokumentation/fotos"
        case .eventDocumentationEntries(let id): "/verwaltung/veranstaltungen/\(id)/dokumentation/protokollpunkte"
        case .eventPhoto(let id): "/fotos/\(id)"
        case .eventPhotoEdit(let id): "/verwaltung/fotos/\(id)"
        case .eventPhotoDelete(let id): "/verwaltung/fotos/\(id)/loeschen"
        case .protocolEntry(let id): "/verwaltung/protokollpunkte/\(id)"
        case .protocolEntryDone(let id): "/verwaltung/protokollpunkte/\(id)/erledigt"
        case .protocolEntryDelete(let id): "/verwaltung/protokollpunkte/\(id)/loeschen"
        case .isek: "/verwaltung/isek"
        case .isekProgramme: "/verwaltung/isek/programm"
        case .isekGoals: "/verwaltung/isek/ziele"
        case .isekMeasures: "/verwaltung/isek/massnahmen"
        case .fieldOfAction(let id): "/verwaltung/handlungsfelder/\(id)"
        case .projects: "/verwaltung/projekte"
        case .projectNew: "/verwaltung/projekte/neu"
        case .project(let id): "/verwaltung/projekte/\(id)"
        case .projectEdit(let id): "/verwaltung/projekte/\(id)/bearbeiten"
        case .projectPhase(let id): "/verwaltung/projekte/\(id)/phase"
        case .projectBudget(let id): "/verwaltung/projekte/\(id)/budget"
        case .projectMilestones(let id): "/verwaltung/projekte/\(id)/meilensteine"
        case .projectDiary(let id): "/verwaltung/projekte/\(id)/tagebuch"
        case .projectEvents(let id): "/verwaltung/projekte/\(id)/veranstaltungen"
        case .projectDecisions(let id): "/verwaltung/projekte/\(id)/beschluesse"
        case .budgetLineDelete(let id): "/verwaltung/budgetposten/\(id)/loeschen"
        case .budgetLine(let id): "/verwaltung/budgetposten/\(id)"
        case .milestoneDone(let id): "/verwaltung/meilensteine/\(id)/erledigt"
        case .publicProjects: "/projekte"
        case .publicProject(let id): "/projekte/\(id)"
        case .projectPhoto(let id): "/projekte/fotos/\(id)"
        case .adminUsers: "/verwaltung/admin/benutzer"
        case .adminUserNew: "/verwaltung/admin/benutzer/neu"
        case .adminUser(let id): "/verwaltung/admin/benutzer/\(id)"
        case .adminUserPassword(let id): "/verwaltung/admin/benutzer/\(id)/passwort"
        case .adminOffice: "/verwaltung/admin/stadtteilbuero"
        case .adminTexts: "/verwaltung/admin/texte"
        case .adminText(let key, let language): "/verwaltung/admin/texte/\(key)/\(language)"
        case .adminAudit: "/verwaltung/admin/protokoll"
        case .adminMail: "/verwaltung/admin/postausgang"
        case .adminTestMail: "/verwaltung/admin/testmail"
        case .publicFund: "/verfuegungsfonds"
        case .fundApply: "/verfuegungsfonds/antrag"
        case .fundApplicationStatus(let token): "/verfuegungsfonds/antrag/\(token)"
        case .funds: "/verwaltung/verfuegungsfonds"
        case .fund(let id): "/verwaltung/verfuegungsfonds/\(id)"
        case .fundApplication(let id): "/verwaltung/verfuegungsfonds/antraege/\(id)"
        case .fundPrecheck(let id): "/verwaltung/verfuegungsfonds/antraege/\(id)/vorpruefung"
        case .fundDecision(let id): "/verwaltung/verfuegungsfonds/antraege/\(id)/entscheidung"
        case .fundJury(let id): "/verwaltung/verfuegungsfonds/antraege/\(id)/jury"
        case .fundPayout(let id): "/verwaltung/verfuegungsfonds/antraege/\(id)/auszahlung"
        case .fundProof(let id): "/verwaltung/verfuegungsfonds/antraege/\(id)/nachweis"
        case .fundReview(let id): "/verwaltung/verfuegungsfonds/antraege/\(id)/pruefung"
        case .fundFile(let id): "/verwaltung/verfuegungsfonds/dateien/\(id)"
        case .surveys: "/verwaltung/befragungen"
        case .survey(let id): "/verwaltung/befragungen/\(id)"
        case .surveyPhase(let id): "/verwaltung/befragungen/\(id)/phase"
        case .surveyNotes(let id): "/verwaltung/befragungen/\(id)/notizen"
        case .surveyTeams(let id): "/verwaltung/befragungen/\(id)/teams"
        case .surveyTeamMembers(let id): "/verwaltung/befragungen/teams/\(id)/mitglieder"
        case .surveyGuide(let id): "/verwaltung/befragungen/\(id)/leitfaden"
        case .surveyQuestion(let id): "/verwaltung/befragungen/fragen/\(id)"
        case .surveyAddresses(let id): "/verwaltung/befragungen/\(id)/adressen"
        case .surveyAddressImport(let id): "/verwaltung/befragungen/\(id)/adressen/import"
        case .surveyField(let id): "/befragung/\(id)/feld"
        case .surveyFieldSync(let id): "/befragung/\(id)/feld/senden"
        case .surveyInterviews(let id): "/verwaltung/befragungen/\(id)/interviews"
        case .surveyInterviewsCSV(let id): "/verwaltung/befragungen/\(id)/interviews.csv"
        case .surveyInterview(let id): "/verwaltung/befragungen/interviews/\(id)"
        case .surveyVisitDelete(let id): "/verwaltung/befragungen/besuche/\(id)/loeschen"
        case .surveyCoding(let id): "/verwaltung/befragungen/\(id)/kodierung"
        case .surveyThemes(let id): "/verwaltung/befragungen/\(id)/themen"
        case .surveyResults(let id): "/verwaltung/befragungen/\(id)/ergebnisse"
        case .surveyPresentation(let id): "/verwaltung/befragungen/\(id)/praesentation"
        case .surveyContacts(let id): "/verwaltung/befragungen/\(id)/kontakte"
        case .surveyInvitationsCSV(let id): "/verwaltung/befragungen/\(id)/einladungsliste.csv"
        case .surveyActionGroups(let id): "/verwaltung/befragungen/\(id)/aktionsgruppen"
        case .actionGroup(let id): "/verwaltung/aktionsgruppen/\(id)"
        case .actionGroupContinue(let id): "/verwaltung/aktionsgruppen/\(id)/weiterfuehren"
        case .surveyFieldWorker: "/befragung/feld-offline.js"
        case .surveyFieldScript: "/js/survey-field.js"
        case .publicConcerns: "/anliegen"
        case .concernNew: "/anliegen/neu"
        case .concern(let id): "/anliegen/\(id)"
        case .concernSupport(let id): "/anliegen/\(id)/unterstuetzen"
        case .concernPrint(let id): "/anliegen/\(id)/druck"
        case .concernPhoto(let id): "/anliegen/\(id)/foto"
        case .concernsGeoJSON: "/anliegen.geojson"
        case .concernConfirm(let token): "/anliegen/bestaetigen/\(token)"
        case .concernStatusPage(let token): "/anliegen/mein/\(token)"
        case .concerns: "/verwaltung/anliegen"
        case .concernStaffNew: "/verwaltung/anliegen/neu"
        case .concernStaff(let id): "/verwaltung/anliegen/\(id)"
        case .concernMove(let id): "/verwaltung/anliegen/\(id)/status"
        case .concernPublish(let id): "/verwaltung/anliegen/\(id)/veroeffentlichen"
        case .concernModerate(let id): "/verwaltung/anliegen/\(id)/moderation"
        case .concernAgenda(let id): "/verwaltung/anliegen/\(id)/tagesordnung"
        case .concernProject(let id): "/verwaltung/anliegen/\(id)/projekt"
        case .concernEraseSubmitter(let id): "/verwaltung/anliegen/\(id)/personendaten-loeschen"
        case .concernCategories: "/verwaltung/anliegen-kategorien"
        case .open311Keys: "/verwaltung/admin/open311"
        case .open311KeyRevoke(let id): "/verwaltung/admin/open311/\(id)/widerrufen"
        case .open311(let resource): "/open311/v2/\(resource)"
        case .publicNews: "/aktuelles"
        case .publicNewsItem(let id): "/aktuelles/\(id)"
        case .newsFeed: "/aktuelles.atom"
        case .newsImage(let id): "/aktuelles/\(id)/bild"
        case .newsNotice(let id): "/aktuelles/\(id)/aushang"
        case .eventNotice(let id): "/veranstaltungen/\(id)/aushang"
        case .projectNotice(let id): "/projekte/\(id)/aushang"
        case .publicPage(let slug): "/seiten/\(slug)"
        case .contentLanguage(let language): "/inhaltssprache/\(language.rawValue)"
        case .noticeStylesheet: "/css/aushang.css"
        case .sitemap: "/sitemap.xml"
        case .robots: "/robots.txt"
        case .newsAdmin: "/verwaltung/aktuelles"
        case .newsNew: "/verwaltung/aktuelles/neu"
        case .newsEdit(let id): "/verwaltung/aktuelles/\(id)"
        case .newsDelete(let id): "/verwaltung/aktuelles/\(id)/loeschen"
        case .pagesAdmin: "/verwaltung/seiten"
        case .pageNew: "/verwaltung/seiten/neu"
        case .pageEdit(let id): "/verwaltung/seiten/\(id)"
        case .translations(let type, let id): "/verwaltung/uebersetzungen/\(type)/\(id)"
        case .newsletter: "/newsletter"
        case .newsletterConfirm(let token): "/newsletter/bestaetigen/\(token)"
        case .newsletterUnsubscribe(let token): "/newsletter/abmelden/\(token)"
        case .newsletterIssues: "/verwaltung/newsletter"
        case .newsletterIssue(let id): "/verwaltung/newsletter/\(id)"
        case .newsletterPreview(let id): "/verwaltung/newsletter/\(id)/vorschau"
        case .newsletterSend(let id): "/verwaltung/newsletter/\(id)/senden"
        case .newsletterLog(let id): "/verwaltung/newsletter/\(id)/versand"
        case .newsletterPrint(let id): "/verwaltung/newsletter/\(id)/stadtteilzeitung"
        case .healthz: "/healthz"
        case .readyz: "/readyz"
        }
    }

    var pathComponents: [PathComponent] {
        path.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }

    /// The absolute address, for e-mails and feeds.
    func absolute(_ settings: Settings) -> String {
        settings.publicURL.absoluteString + path
    }

    /// The prefix of every page that needs an account with at least the staff role.
    static let backofficePrefix = "/verwaltung"
    /// The prefix of every page that only admins may open.
    static let adminPrefix = "/verwaltung/admin"
}

extension RoutesBuilder {
    @discardableResult
    func get<Response: AsyncResponseEncodable>(_ url: SiteURL, use closure: @Sendable @escaping (Request) async throws -> Response) -> Route {
        get(url.pathComponents, use: closure)
    }

    @discardableResult
    func post<Response: AsyncResponseEncodable>(_ url: SiteURL, use closure: @Sendable @escaping (Request) async throws -> Response) -> Route {
        post(url.pathComponents, use: closure)
    }
}
