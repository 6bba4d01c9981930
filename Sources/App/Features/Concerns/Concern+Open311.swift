import Fluent
import QuartierCore
import Vapor
import XMLCoder

/// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/) for the concerns: categories are services, public
/// concerns are service requests. Every resource comes as XML (required by the standard) and JSON (top-level arrays),
/// chosen by the suffix. Klarschiff's CitySDK extension adds `extended_attributes.detailed_status` with
/// `extensions=true` and the `detailed_status` filter. Clients with an API key an admin issued may POST requests.
struct Open311Controller: RouteCollection {
    /// The standard's default and largest page of requests.
    static let maximumRequests = 1000
    static let defaultSpan: TimeInterval = 90 * 24 * 60 * 60

    enum Format: String {
        case json, xml
    }

    /// A failure in the standard's shape: `[{"code": 400, "description": "…"}]`.
    struct Failure: Error {
        let status: HTTPStatus
        let description: String
    }

    struct ErrorBody: Codable {
        let code: Int
        let description: String
    }

    struct ErrorsXML: Encodable {
        let error: [ErrorBody]
    }

    struct Service: Codable {
        let serviceCode: String
        let serviceName: String
        let description: String
        let metadata: Bool
        let type: String
        let keywords: String
        let group: String

        enum CodingKeys: String, CodingKey {
            case serviceCode = "service_code", serviceName = "service_name", description, metadata, type, keywords, group
        }
    }

    struct ServicesXML: Encodable {
        let service: [Service]
    }

    struct ServiceDefinition: Codable {
        struct Attributes: Codable {}

        let serviceCode: String
        let attributes: [Attributes]

        enum CodingKeys: String, CodingKey {
            case serviceCode = "service_code", attributes
        }
    }

    struct ExtendedAttributes: Codable {
        let detailedStatus: String

        enum CodingKeys: String, CodingKey {
            case detailedStatus = "detailed_status"
        }
    }

    struct ServiceRequest: Codable {
        let serviceRequestID: String
        let status: String
        let statusNotes: String
        let serviceName: String
        let serviceCode: String
        let title: String
        let description: String
        let agencyResponsible: String
        let serviceNotice: String
        let requestedDatetime: String
        let updatedDatetime: String
        let address: String
        let lat: Double?
        let long: Double?
        let mediaURL: String?
        let extendedAttributes: ExtendedAttributes?

        enum CodingKeys: String, CodingKey {
            case serviceRequestID = "service_request_id", status, statusNotes = "status_notes", serviceName = "service_name",
                 serviceCode = "service_code", title, description, agencyResponsible = "agency_responsible", serviceNotice = "service_notice",
                 requestedDatetime = "requested_datetime", updatedDatetime = "updated_datetime", address, lat, long,
                 mediaURL = "media_url", extendedAttributes = "extended_attributes"
        }
    }

    struct RequestsXML: Encodable {
        let request: [ServiceRequest]
    }

    struct Receipt: Codable {
        let token: String
        let serviceNotice: String

        enum CodingKeys: String, CodingKey {
            case token, serviceNotice = "service_notice"
        }
    }

    struct ReceiptsXML: Encodable {
        let request: [Receipt]
    }

    struct TokenAnswer: Codable {
        let token: String
        let serviceRequestID: String?

        enum CodingKeys: String, CodingKey {
            case token, serviceRequestID = "service_request_id"
        }
    }

    struct TokensXML: Encodable {
        let request: [TokenAnswer]
    }

    struct Endpoint: Codable {
        let specification: String
        let url: String
        let changeset: String
        let type: String
        let formats: [String]
    }

    struct EndpointXML: Encodable {
        struct Formats: Encodable {
            let format: [String]
        }

        let specification: String
        let url: String
        let changeset: String
        let type: String
        let formats: Formats
    }

    struct Discovery: Codable {
        let changeset: String
        let contact: String
        let keyService: String
        let endpoints: [Endpoint]

        enum CodingKeys: String, CodingKey {
            case changeset, contact, keyService = "key_service", endpoints
        }
    }

    struct DiscoveryXML: Encodable {
        struct Endpoints: Encodable {
            let endpoint: [EndpointXML]
        }

        let changeset: String
        let contact: String
        let keyService: String
        let endpoints: Endpoints

        enum CodingKeys: String, CodingKey {
            case changeset, contact, keyService = "key_service", endpoints
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.open311(resource: ":resource"), use: resource)
        routes.get(.open311(resource: "services/:file"), use: service)
        routes.get(.open311(resource: "requests/:file"), use: request)
        routes.get(.open311(resource: "tokens/:file"), use: token)
        routes.post(.open311(resource: ":resource"), use: post)
    }

    // MARK: Plumbing

    /// Splits `requests.json` into its name and format; an unknown format is a 404 like an unknown resource.
    static func split(_ file: String?) throws -> (name: String, format: Format) {
        guard let file, let dot = file.lastIndex(of: ".") else { throw Failure(status: .notFound, description: "unknown resource") }
        guard let format = Format(rawValue: String(file[file.index(after: dot)...]).lowercased()) else {
            throw Failure(status: .notFound, description: "unknown format: use .xml or .json")
        }
        return (String(file[..<dot]), format)
    }

    static func respond<JSON: Encodable, XML: Encodable>(_ format: Format, json: JSON, xml: XML, root: String, status: HTTPStatus = .ok) throws -> Response {
        var headers = HTTPHeaders()
        let data: Data
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            data = try encoder.encode(json)
            headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        case .xml:
            let encoder = XMLEncoder()
            data = try encoder.encode(xml, withRootKey: root, header: XMLHeader(version: 1.0, encoding: "UTF-8"))
            headers.replaceOrAdd(name: .contentType, value: "text/xml; charset=utf-8")
        }
        headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
        return Response(status: status, headers: headers, body: .init(data: data))
    }

    /// Runs `work` and answers a failure with the standard's error body in the requested format.
    static func guarded(_ format: Format, _ work: () async throws -> Response) async throws -> Response {
        do {
            return try await work()
        } catch let failure as Failure {
            let body = [ErrorBody(code: Int(failure.status.code), description: failure.description)]
            return try respond(format, json: body, xml: ErrorsXML(error: body), root: "errors", status: failure.status)
        }
    }

    static func format(of file: String?) -> Format {
        (try? split(file))?.format ?? .json
    }

    /// W3C date-times as the standard writes them, in UTC.
    static func w3c(_ date: Date) -> String { date.formatted(.iso8601) }

    static func parseW3C(_ text: String) -> Date? { try? Date.ISO8601FormatStyle().parse(text) }

    // MARK: GET

    @Sendable
    func resource(req: Request) async throws -> Response {
        let file = req.parameters.get("resource")
        return try await Self.guarded(Self.format(of: file)) {
            let (name, format) = try Self.split(file)
            switch name {
            case "discovery": return try discovery(req, format)
            case "services": return try await services(req, format)
            case "requests": return try await requests(req, format)
            default: throw Failure(status: .notFound, description: "unknown resource: \(name)")
            }
        }
    }

    func discovery(_ req: Request, _ format: Format) throws -> Response {
        let url = SiteURL.open311(resource: "").absolute(req.settings).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let changeset = "2026-11-27T00:00:00Z"
        let contact = req.application.catalog.text("concerns.open311.contact", .de)
        let formats = ["text/xml", "application/json"]
        return try Self.respond(
            format,
            json: Discovery(changeset: changeset, contact: contact, keyService: contact,
                            endpoints: [Endpoint(specification: "http://wiki.open311.org/GeoReport_v2", url: url, changeset: changeset, type: "production", formats: formats)]),
            xml: DiscoveryXML(changeset: changeset, contact: contact, keyService: contact,
                              endpoints: .init(endpoint: [EndpointXML(specification: "http://wiki.open311.org/GeoReport_v2", url: url, changeset: changeset,
                                                                      type: "production", formats: .init(format: formats))])),
            root: "discovery"
        )
    }

    static func service(_ category: ConcernCategory) -> Service {
        Service(serviceCode: category.code, serviceName: category.name, description: category.description, metadata: false, type: "realtime",
                keywords: "", group: category.fieldOfAction?.name ?? "")
    }

    func services(_ req: Request, _ format: Format) async throws -> Response {
        let categories = try await ConcernCategory.query(on: req.db).filter(\.$isActive == true).with(\.$fieldOfAction).sort(\.$position).all()
        let services = categories.map(Self.service)
        return try Self.respond(format, json: services, xml: ServicesXML(service: services), root: "services")
    }

    @Sendable
    func service(req: Request) async throws -> Response {
        let file = req.parameters.get("file")
        return try await Self.guarded(Self.format(of: file)) {
            let (code, format) = try Self.split(file)
            guard let category = try await ConcernCategory.query(on: req.db).filter(\.$code == code).filter(\.$isActive == true).first() else {
                throw Failure(status: .notFound, description: "service_code not found: \(code)")
            }
            let definition = ServiceDefinition(serviceCode: category.code, attributes: [])
            return try Self.respond(format, json: definition, xml: definition, root: "service_definition")
        }
    }

    /// The requests for public concerns, with the standard's filters. Names of categories and responsible offices
    /// are read once per page, so a page runs the same few queries whatever its size.
    func serviceRequests(_ concerns: [Concern], extensions: Bool, req: Request) async throws -> [ServiceRequest] {
        let categories = try await ConcernCategory.query(on: req.db).filter(\.$id ~~ Set(concerns.map { $0.$category.id })).all()
        let byID = Dictionary(uniqueKeysWithValues: categories.compactMap { category in category.id.map { ($0, category) } })
        let organisationIDs = Set(concerns.compactMap { $0.$responsibleOrganisation.id })
        let organisations = organisationIDs.isEmpty ? [] : try await Organisation.query(on: req.db).filter(\.$id ~~ organisationIDs).all()
        let committeeIDs = Set(concerns.compactMap { $0.$responsibleCommittee.id })
        let committees = committeeIDs.isEmpty ? [] : try await Committee.query(on: req.db).filter(\.$id ~~ committeeIDs).all()
        let names = Dictionary(uniqueKeysWithValues: organisations.compactMap { org in org.id.map { ($0, org.name) } }
                               + committees.compactMap { committee in committee.id.map { ($0, committee.name) } })
        return try concerns.map { concern in
            let id = try concern.requireID().uuidString
            let category = byID[concern.$category.id]
            let agency = [concern.$responsibleOrganisation.id, concern.$responsibleCommittee.id].compactMap { $0.flatMap { names[$0] } }
            return ServiceRequest(
                serviceRequestID: id, status: concern.status.open311Status, statusNotes: concern.statusNote, serviceName: category?.name ?? "",
                serviceCode: category?.code ?? "", title: concern.publicTitle, description: concern.publicDescription,
                agencyResponsible: agency.joined(separator: ", "), serviceNotice: "",
                requestedDatetime: Self.w3c(concern.createdAt ?? Date()), updatedDatetime: Self.w3c(concern.updatedAt ?? concern.statusChangedAt),
                address: concern.address, lat: concern.latitude, long: concern.longitude,
                mediaURL: concern.photoID == nil ? nil : SiteURL.concernPhoto(id: id).absolute(req.settings),
                extendedAttributes: extensions ? ExtendedAttributes(detailedStatus: concern.status.detailedStatus) : nil
            )
        }
    }

    func requests(_ req: Request, _ format: Format) async throws -> Response {
        func parameter(_ name: String) -> String? {
            guard let value = try? req.query.get(String.self, at: name) else { return nil }
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
        func date(_ name: String) throws -> Date? {
            guard let text = parameter(name) else { return nil }
            guard let date = Self.parseW3C(text) ?? CalendarDate.parse(text) else {
                throw Failure(status: .badRequest, description: "\(name) is not a W3C date-time such as 2026-01-01T00:00:00Z")
            }
            return date
        }
        let extensions = parameter("extensions") == "true"
        let query = Concern.query(on: req.db).filter(\.$isPublic == true)
        if let ids = parameter("service_request_id") {
            // The standard: a list of ids overrides every other filter.
            let uuids = ids.split(separator: ",").compactMap { UUID(uuidString: $0.trimmingCharacters(in: .whitespaces)) }
            query.filter(\.$id ~~ uuids)
        } else {
            if let codes = parameter("service_code") {
                let wanted = codes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let categories = try await ConcernCategory.query(on: req.db).filter(\.$code ~~ wanted).all()
                query.filter(\.$category.$id ~~ categories.compactMap(\.id))
            }
            if let status = parameter("status") {
                let wanted = Set(status.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                guard wanted.isSubset(of: ["open", "closed"]) else { throw Failure(status: .badRequest, description: "status must be open or closed") }
                query.filter(\.$status ~~ ConcernStatus.allCases.filter { wanted.contains($0.open311Status) })
            }
            if let detailed = parameter("detailed_status") {
                let wanted = detailed.split(separator: ",").flatMap { ConcernStatus.matching(detailedStatus: $0.trimmingCharacters(in: .whitespaces)) }
                query.filter(\.$status ~~ wanted)
            }
            let start = try date("start_date")
            let end = try date("end_date")
            if let start, let end, start > end { throw Failure(status: .badRequest, description: "start_date is after end_date") }
            // Without dates the standard's default span: the last 90 days.
            let from = start ?? (end ?? Date()).addingTimeInterval(-Self.defaultSpan)
            query.filter(\.$createdAt >= from)
            if let end { query.filter(\.$createdAt <= end) }
        }
        let pageSize = min(max(Int(parameter("page_size") ?? "") ?? Self.maximumRequests, 1), Self.maximumRequests)
        let page = max(Int(parameter("page") ?? "") ?? 1, 1)
        let concerns = try await query.sort(\.$createdAt, .descending).sort(\.$id).range(((page - 1) * pageSize)..<(page * pageSize)).all()
        let requests = try await serviceRequests(concerns, extensions: extensions, req: req)
        return try Self.respond(format, json: requests, xml: RequestsXML(request: requests), root: "service_requests")
    }

    @Sendable
    func request(req: Request) async throws -> Response {
        let file = req.parameters.get("file")
        return try await Self.guarded(Self.format(of: file)) {
            let (name, format) = try Self.split(file)
            guard let id = UUID(uuidString: name), let concern = try await Concern.find(id, on: req.db), concern.isPublic else {
                throw Failure(status: .notFound, description: "service_request_id not found: \(name)")
            }
            let requests = try await serviceRequests([concern], extensions: (try? req.query.get(String.self, at: "extensions")) == "true", req: req)
            return try Self.respond(format, json: requests, xml: RequestsXML(request: requests), root: "service_requests")
        }
    }

    /// The id behind a token from a POST, once the concern is public (until then the id stays empty).
    @Sendable
    func token(req: Request) async throws -> Response {
        let file = req.parameters.get("file")
        return try await Self.guarded(Self.format(of: file)) {
            let (token, format) = try Self.split(file)
            guard let concern = try await Concern.query(on: req.db).filter(\.$token == token).filter(\.$source == .open311).first() else {
                throw Failure(status: .notFound, description: "token not found")
            }
            let answer = [TokenAnswer(token: token, serviceRequestID: concern.isPublic ? try concern.requireID().uuidString : nil)]
            return try Self.respond(format, json: answer, xml: TokensXML(request: answer), root: "service_requests")
        }
    }

    // MARK: POST

    struct PostForm: Content {
        var api_key: String?
        var service_code: String?
        var lat: String?
        var long: String?
        var address_string: String?
        var email: String?
        var first_name: String?
        var last_name: String?
        var title: String?
        var description: String?
        var locale: String?
    }

    @Sendable
    func post(req: Request) async throws -> Response {
        let file = req.parameters.get("resource")
        return try await Self.guarded(Self.format(of: file)) {
            let (name, format) = try Self.split(file)
            guard name == "requests" else { throw Failure(status: .notFound, description: "unknown resource: \(name)") }
            let form: PostForm
            do { form = try req.content.decode(PostForm.self) } catch {
                throw Failure(status: .badRequest, description: "the body must be application/x-www-form-urlencoded with the standard's fields")
            }
            guard let key = form.api_key, !key.isEmpty,
                  let apiKey = try await Open311Key.query(on: req.db).filter(\.$keyHash == Open311Key.hash(key)).first(), apiKey.revokedAt == nil else {
                throw Failure(status: .forbidden, description: "api_key was not provided or is invalid")
            }
            func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
            let code = text(form.service_code)
            guard !code.isEmpty else { throw Failure(status: .badRequest, description: "service_code was not provided") }
            guard let category = try await ConcernCategory.query(on: req.db).filter(\.$code == code).filter(\.$isActive == true).first() else {
                throw Failure(status: .badRequest, description: "service_code not found: \(code)")
            }
            let description = text(form.description)
            guard !description.isEmpty else { throw Failure(status: .badRequest, description: "description was not provided") }
            guard description.count <= ConcernRules.maximumDescription else {
                throw Failure(status: .badRequest, description: "description is longer than \(ConcernRules.maximumDescription) characters")
            }
            var title = text(form.title)
            if title.isEmpty { title = String(description.split(whereSeparator: \.isNewline).first ?? "").prefix(80).trimmingCharacters(in: .whitespaces) }
            guard title.count <= ConcernRules.maximumTitle else {
                throw Failure(status: .badRequest, description: "title is longer than \(ConcernRules.maximumTitle) characters")
            }
            let address = text(form.address_string)
            guard address.count <= ConcernRules.maximumAddress else { throw Failure(status: .badRequest, description: "address_string is too long") }
            var point: (latitude: Double, longitude: Double)?
            if !text(form.lat).isEmpty || !text(form.long).isEmpty {
                guard let found = ConcernRules.coordinates(latitude: text(form.lat), longitude: text(form.long)) else {
                    throw Failure(status: .badRequest, description: "lat and long must both be WGS84 decimal degrees")
                }
                point = found
            }
            guard point != nil || !address.isEmpty else {
                throw Failure(status: .badRequest, description: "a location is required: lat and long, or address_string")
            }
            let email = text(form.email).lowercased()
            guard email.isEmpty || MailMessage.isValidAddress(email) else { throw Failure(status: .badRequest, description: "email is not a valid address") }
            let submitter = [text(form.first_name), text(form.last_name)].filter { !$0.isEmpty }.joined(separator: " ")
            guard submitter.count <= ConcernRules.maximumName else { throw Failure(status: .badRequest, description: "the name is too long") }
            let concern = Concern(categoryID: try category.requireID(), source: .open311, title: title, description: description, address: address,
                                  latitude: point?.latitude, longitude: point?.longitude, locale: Language(rawValue: text(form.locale)) ?? .de,
                                  submitterName: submitter, submitterEmail: email, wantsUpdates: !email.isEmpty, clientHash: "open311")
            concern.apiKeyID = try apiKey.requireID()
            try await PublicConcernController.store(concern, photo: nil, req: req)
            let notice = req.application.catalog.text(email.isEmpty ? "concerns.open311.notice" : "concerns.open311.notice_confirm", concern.readerLanguage)
            let receipt = [Receipt(token: concern.token, serviceNotice: notice)]
            return try Self.respond(format, json: receipt, xml: ReceiptsXML(request: receipt), root: "service_requests", status: .created)
        }
    }
}
