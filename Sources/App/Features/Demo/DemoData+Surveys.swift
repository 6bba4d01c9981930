import Fluent
import QuartierCore
import SQLKit
import Vapor

/// The demo district's activating survey: in the phase Versammlung, with a guide in two versions (mostly open
/// questions), a sample of addresses in the district's streets with visits of every outcome, about forty coded
/// interviews with marked quotes, contact records of residents who want to be invited, and an action group.
/// At city scale a second survey adds 100,000 interviews with 30 answers each, written with SQL in batches.
extension DemoData {
    /// Open answers per open question, each with the themes (by index into `surveyThemes`) it is coded with.
    static let surveyThemes: [(String, String)] = [
        ("Spielplätze und Treffpunkte", "Städtebau"), ("Sauberkeit und Müll", "Umwelt/Klimaschutz"), ("Verkehr und Parken", "Städtebau"),
        ("Nachbarschaft und Zusammenleben", "Soziales"), ("Angebote für Jugendliche", "Bildung"), ("Mieten und Wohnen", "Wohnen"),
    ]

    static let surveyAnswers: [[(String, [Int])]] = [
        [("Ich wohne seit zwanzig Jahren hier, die Nachbarn kennen sich noch.", [3]), ("Schön grün, aber abends ist auf den Wegen wenig los.", [0]),
         ("Seit drei Jahren. Die Leute im Haus sind freundlich, mit dem Vermieter ist es schwierig.", [3, 5]), ("Ganz gut, nur die Busse fahren zu selten.", [2]),
         ("Wir sind wegen der günstigen Miete hergezogen, die steigt jetzt jedes Jahr.", [5])],
        [("Der Müll neben den Containern, jede Woche dasselbe.", [1]), ("Es gibt keinen Ort, an dem sich die Jugendlichen treffen können.", [4, 0]),
         ("Die Autos parken auf dem Gehweg, mit dem Kinderwagen kommt man nicht durch.", [2]), ("Der Spielplatz am Hang ist seit Monaten kaputt.", [0]),
         ("Die Nebenkosten sind zu hoch und keiner erklärt sie.", [5]), ("Man grüßt sich nicht mehr, jeder bleibt für sich.", [3])],
        [("Ein Treffpunkt für alle Generationen, vielleicht ein Café im Stadtteilbüro.", [3, 0]), ("Mehr Mülleimer und eine regelmäßige Reinigung.", [1]),
         ("Tempo 30 vor der Schule.", [2]), ("Ein Jugendraum mit festen Öffnungszeiten.", [4]), ("Der Spielplatz muss neu gemacht werden, mit den Kindern zusammen.", [0])],
        [("Beim Spielplatz würde ich mitmachen, ich kann gut mit Holz arbeiten.", [0]), ("Ein Aufräumtag im Frühjahr, da wäre ich dabei.", [1]),
         ("Ich könnte Hausaufgabenhilfe geben.", [4]), ("Eher nicht, mir fehlt die Zeit.", []), ("Bei einem Hoffest helfe ich gern.", [3])],
    ]

    static let surveyQuotes: Set<String> = [
        "Der Spielplatz am Hang ist seit Monaten kaputt.", "Es gibt keinen Ort, an dem sich die Jugendlichen treffen können.",
        "Ein Treffpunkt für alle Generationen, vielleicht ein Café im Stadtteilbüro.", "Man grüßt sich nicht mehr, jeder bleibt für sich.",
    ]

    static func loadSurveys(scale: Scale, on db: any Database) async throws {
        guard let staff = try await User.query(on: db).filter(\.$email == staffEmail).first(),
              let member = try await User.query(on: db).filter(\.$email == memberEmail).first() else { return }
        let fields = try await FieldOfAction.query(on: db).all()
        let today = CalendarDate.today()
        let survey = Survey(title: "Aktivierende Befragung Am Beispielhang (Beispiel)", area: "Am Beispielhang, Musterweg, Lindenstraße, Treppenweg, Sonnenhang",
                            startsOn: CalendarDate.monthsBefore(5, today), endsOn: CalendarDate.daysAfter(30, today), phase: .assembly)
        try await survey.create(on: db)
        let surveyID = try survey.requireID()
        try await [
            SurveyPhaseNote(surveyID: surveyID, phase: .plan, text: "Anlass: wenig Beteiligung aus dem oberen Hang an den Mieterversammlungen."),
            SurveyPhaseNote(surveyID: surveyID, phase: .preliminary, text: "Gespräche mit Mieterbeirat, Schule und Jugendtreff; Spielplatz und Müll kamen überall vor."),
            SurveyPhaseNote(surveyID: surveyID, phase: .decision, text: "Steuerungsgruppe hat die Befragung im Frühjahr beschlossen."),
            SurveyPhaseNote(surveyID: surveyID, phase: .training, text: "Zwei Abende Schulung für acht Interviewerinnen und Interviewer, Rollenspiele an der Tür."),
            SurveyPhaseNote(surveyID: surveyID, phase: .assembly, text: "Bewohnerversammlung im Gemeindesaal, Einladung an alle Befragten, die es wünschen."),
        ].create(on: db)
        let north = SurveyTeam(surveyID: surveyID, name: "Team Oberer Hang")
        let south = SurveyTeam(surveyID: surveyID, name: "Team Unterer Hang")
        try await [north, south].create(on: db)
        try await [SurveyTeamMember(teamID: try north.requireID(), userID: try staff.requireID()),
                   SurveyTeamMember(teamID: try north.requireID(), userID: try member.requireID()),
                   SurveyTeamMember(teamID: try south.requireID(), userID: try staff.requireID())].create(on: db)

        // Version 1 was used for the first interviews; version 2 added the question about children and young people.
        let first = SurveyGuide(surveyID: surveyID, version: 1)
        let second = SurveyGuide(surveyID: surveyID, version: 2)
        try await [first, second].create(on: db)
        let texts = ["Wie lange wohnen Sie schon hier, und wie gefällt es Ihnen im Stadtteil?", "Was ärgert Sie, was fehlt Ihnen hier?",
                     "Was müsste sich ändern, damit Sie gern hier wohnen?", "Würden Sie sich dafür mit anderen zusammentun? Wobei?"]
        let keys = (0..<6).map { _ in UUID() }
        var questions: [SurveyQuestion] = []
        for guide in [first, second] {
            let guideID = try guide.requireID()
            for (index, text) in texts.enumerated() {
                questions.append(SurveyQuestion(guideID: guideID, key: keys[index], position: index + 1, kind: .open, text: text))
            }
            questions.append(SurveyQuestion(guideID: guideID, key: keys[4], position: 5, kind: .single, text: "Wie oft kommen Sie ins Stadtteilbüro?",
                                            options: ["nie", "ab und zu", "oft"]))
        }
        questions.append(SurveyQuestion(guideID: try second.requireID(), key: keys[5], position: 6, kind: .scale,
                                        text: "Wie wohl fühlen Sie sich in Ihrer Nachbarschaft? (1 = gar nicht, 5 = sehr)"))
        try await questions.create(on: db)

        let themes = surveyThemes.enumerated().map { index, theme in
            SurveyTheme(surveyID: surveyID, name: theme.0, fieldOfActionID: fields.first { $0.name == theme.1 }?.id, position: index + 1)
        }
        try await themes.create(on: db)

        let streets: [(String, [String], String)] = [
            ("Am Beispielhang", (1...16).map(String.init), "Oberer Hang"), ("Sonnenhang", ["1", "3", "5", "7", "9"], "Oberer Hang"),
            ("Treppenweg", ["2", "4", "6"], "Oberer Hang"), ("Musterweg", stride(from: 2, through: 40, by: 2).map(String.init), "Unterer Hang"),
            ("Lindenstraße", ["15", "17", "19", "21", "21a", "23"], "Unterer Hang"),
        ]
        var addresses: [SurveyAddress] = []
        for (street, numbers, area) in streets {
            for number in numbers {
                addresses.append(SurveyAddress(surveyID: surveyID, street: street, houseNumber: number, entrance: "", subArea: area))
            }
        }
        try await addresses.create(on: db)

        // One address in eleven is not visited yet; larger houses on the Musterweg and the Lindenstraße give two interviews.
        let outcomes: [VisitOutcome?] = [.interview, .letterLeft, .interview, .refused, .interview, .appointment, .interview, .unreachable, .interview, .letterLeft, nil]
        var visits: [SurveyVisit] = []
        var interviews: [SurveyInterview] = []
        var answers: [SurveyAnswer] = []
        var choices: [(UUID, UUID, Int)] = []
        var codes: [(UUID, UUID, UUID)] = []
        let interviewers = [try staff.requireID(), try member.requireID()]
        for (index, address) in addresses.enumerated() {
            let addressID = try address.requireID()
            guard var outcome = outcomes[index % outcomes.count] else { continue }
            // Where a letter was left or an appointment made, somebody came back: every second time for an interview.
            let day = CalendarDate.daysAfter(index % 40, CalendarDate.monthsBefore(3, today))
            if outcome == .letterLeft || outcome == .appointment {
                visits.append(SurveyVisit(surveyID: surveyID, addressID: addressID, outcome: outcome, visitedOn: day, interviewerID: interviewers[index % 2], clientID: UUID()))
                guard index % 2 == 0 else { continue }
                outcome = .interview
            }
            let visit = SurveyVisit(surveyID: surveyID, addressID: addressID, outcome: outcome, visitedOn: CalendarDate.daysAfter(3, day),
                                    interviewerID: interviewers[index % 2], clientID: UUID())
            visits.append(visit)
            guard outcome == .interview else { continue }
            for flat in 0..<(["Musterweg", "Lindenstraße"].contains(address.street) && index % 2 == 0 ? 2 : 1) {
                let visit = flat == 0 ? visit : SurveyVisit(surveyID: surveyID, addressID: addressID, outcome: .interview, visitedOn: visit.visitedOn,
                                                            interviewerID: interviewers[(index + 1) % 2], clientID: UUID())
                if flat > 0 { visits.append(visit) }
                let number = interviews.count
                let guide = number < 12 ? first : second
                let interview = SurveyInterview(surveyID: surveyID, guideID: try guide.requireID(), visitID: try visit.requireID(), subArea: address.subArea,
                                                interviewedOn: visit.visitedOn)
                interview.ageGroup = SurveyAgeGroup.allCases[(number * 3) % SurveyAgeGroup.allCases.count]
                interview.gender = number % 7 == 6 ? nil : SurveyGender.allCases[number % 2]
                interview.household = SurveyHousehold.allCases[number % SurveyHousehold.allCases.count]
                interview.tenure = number % 5 == 4 ? .owner : .tenant
                interview.language = [.de, .de, .tr, .de, .ar, .de, .ru][number % 7]
                interview.isGroup = number % 9 == 8
                interview.willingness = [3, 4, 2, 5, 1, 4, 3][number % 7]
                interview.skills = ["", "Handwerk, Holzarbeiten", "", "Kuchen backen", "Übersetzen (Türkisch)", "", "Computerhilfe"][number % 7]
                interview.wantsInvitation = number % 3 != 2
                interviews.append(interview)
                let interviewID = try interview.requireID()
                for (question, pool) in surveyAnswers.enumerated() {
                    let (text, themeIndices) = pool[(number + question * 2) % pool.count]
                    let answer = SurveyAnswer(surveyID: surveyID, interviewID: interviewID, questionKey: keys[question], text: text)
                    // The last few interviews are left for the coding page to show work still to do.
                    if number < 34 {
                        answer.isCoded = true
                        answer.isQuote = surveyQuotes.contains(text) && number < 8
                        codes += try themeIndices.map { (try answer.requireID(), try themes[$0].requireID(), interviewID) }
                    }
                    answers.append(answer)
                }
                let visitsChoice = [1, 2, 1, 3, 2][number % 5]
                answers.append(SurveyAnswer(surveyID: surveyID, interviewID: interviewID, questionKey: keys[4], text: ["nie", "ab und zu", "oft"][visitsChoice - 1]))
                answers.last?.isCoded = true
                choices.append((interviewID, keys[4], visitsChoice))
                if guide === second {
                    let feeling = [4, 3, 5, 2, 4, 3][number % 6]
                    answers.append(SurveyAnswer(surveyID: surveyID, interviewID: interviewID, questionKey: keys[5], text: String(feeling)))
                    answers.last?.isCoded = true
                    choices.append((interviewID, keys[5], feeling))
                }
            }
        }
        try await visits.create(on: db)
        try await interviews.create(on: db)
        for chunk in answers.chunked(into: 200) { try await chunk.create(on: db) }
        let sql = db as! any SQLDatabase
        var insert = sql.insert(into: SurveyTables.choices).columns("survey_id", "interview_id", "question_key", "choice")
        for choice in choices { insert = insert.values([SQLBind(surveyID), SQLBind(choice.0), SQLBind(choice.1), SQLBind(choice.2)] as [any SQLExpression]) }
        try await insert.run()
        var codeInsert = sql.insert(into: SurveyTables.answerThemes).columns("answer_id", "theme_id", "survey_id", "interview_id")
        for code in codes { codeInsert = codeInsert.values([SQLBind(code.0), SQLBind(code.1), SQLBind(surveyID), SQLBind(code.2)] as [any SQLExpression]) }
        try await codeInsert.run()
        try await SurveyStatistics.refreshInterviewThemes(try interviews.map { try $0.requireID() }, on: db)

        // Contact records: separate persons in the directory with their consent, linked to the survey only.
        let contacts: [(String, String, String, String, Bool)] = [
            ("Helga", "Beispielhang", "helga.b@beispiel.example", "Spielplatz, Holzarbeiten", true),
            ("Mehmet", "Musterweg", "", "Übersetzen, Hoffest", true),
            ("Sandra", "Lindenfiktiv", "sandra.l@beispiel.example", "", true),
            ("Oleg", "Sonnenhang", "oleg.s@beispiel.example", "Aufräumtag", false),
            ("Fatima", "Treppenfiktiv", "", "Hausaufgabenhilfe", true),
            ("Jonas", "Probehang", "jonas.p@beispiel.example", "Spielplatz", true),
        ]
        var records: [SurveyContact] = []
        for (index, entry) in contacts.enumerated() {
            let person = Person(givenName: entry.0, familyName: entry.1 + " (Beispiel)", email: entry.2, phone: entry.2.isEmpty ? "06421 555 02 \(10 + index)" : "")
            person.note = "Kontakt aus der aktivierenden Befragung (Beispiel)."
            try await person.create(on: db)
            let personID = try person.requireID()
            try await Consent(personID: personID, purpose: .contact, givenAt: CalendarDate.monthsBefore(2, today), source: .verbal).create(on: db)
            let record = SurveyContact(surveyID: surveyID, personID: personID, wantsInvitation: entry.4, offers: entry.3, recordedOn: CalendarDate.monthsBefore(2, today))
            try await record.create(on: db)
            records.append(record)
        }
        let group = SurveyActionGroup(surveyID: surveyID, themeID: try themes[0].requireID(), name: "Spielplatzgruppe Am Beispielhang (Beispiel)",
                                      goal: "Den Spielplatz am Hang mit Kindern und Eltern neu planen und beim Bau mit anpacken.")
        try await group.create(on: db)
        try await [records[0], records[5], records[1]].map { SurveyActionGroupMember(groupID: try group.requireID(), contactID: try $0.requireID()) }.create(on: db)

        if scale == .city { try await loadCitySurvey(staffID: try staff.requireID(), themes: themes.count, on: db) }
    }
}

extension DemoData {
    static let cityInterviews = 100_000
    static let cityAddresses = 25_000
    static let cityOtherVisits = 20_000

    /// A city-wide survey for the benchmark: 25,000 addresses, 120,000 visits, 100,000 interviews with 30 answers each
    /// (20 open, 6 single choice, 4 scales), coded with ten themes. Written by the database itself (INSERT … SELECT
    /// over a numbered range), because three million answers one by one would take longer than the rest of the demo.
    static func loadCitySurvey(staffID: UUID, themes: Int, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        // Fluent keeps UUIDs in SQLite as upper-case text: a version-4 UUID spelled the same way.
        let uuid = sql.dialect.name == "sqlite"
            ? "(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89AB', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
            : "gen_random_uuid()"
        let survey = Survey(title: "Stadtweite Befragung (Beispiel, Lasttest)", area: "ganze Stadt, acht Teilgebiete", phase: .analysis)
        try await survey.create(on: db)
        let surveyID = try survey.requireID()
        let guide = SurveyGuide(surveyID: surveyID, version: 1)
        try await guide.create(on: db)
        let guideID = try guide.requireID()
        var questions: [SurveyQuestion] = []
        for position in 1...30 {
            switch position {
            case 21...26:
                questions.append(SurveyQuestion(guideID: guideID, position: position, kind: .single, text: "Auswahlfrage \(position - 20)",
                                                options: ["nie", "selten", "manchmal", "oft"]))
            case 27...30:
                questions.append(SurveyQuestion(guideID: guideID, position: position, kind: .scale, text: "Skala \(position - 26)"))
            default:
                questions.append(SurveyQuestion(guideID: guideID, position: position, kind: .open, text: "Offene Frage \(position)"))
            }
        }
        try await questions.create(on: db)
        let cityThemes = (1...10).map { SurveyTheme(surveyID: surveyID, name: "Stadtthema \($0)", fieldOfActionID: nil, position: $0) }
        try await cityThemes.create(on: db)

        // Twenty-four phrases; the first ten carry one theme each, the others none.
        try await sql.raw("CREATE TEMPORARY TABLE demo_city_phrases (idx INTEGER, text TEXT, theme_id \(unsafeRaw: sql.dialect.name == "sqlite" ? "TEXT" : "UUID"))").run()
        var phrases = sql.insert(into: "demo_city_phrases").columns("idx", "text", "theme_id")
        for index in 0..<24 {
            let theme: (any SQLExpression) = index < 10 ? SQLBind(try cityThemes[index].requireID()) : SQLLiteral.null
            phrases = phrases.values([SQLBind(index), SQLBind("Antwort \(index + 1): das beschäftigt mich im Viertel"), theme] as [any SQLExpression])
        }
        try await phrases.run()

        let range = { (count: Int) -> String in "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(count - 1))" }
        try await sql.raw("CREATE TEMPORARY TABLE demo_city_addresses AS \(unsafeRaw: range(cityAddresses)) SELECT i, \(unsafeRaw: uuid) AS id FROM n").run()
        try await sql.raw("""
            INSERT INTO survey_addresses (id, survey_id, street, house_number, entrance, sub_area)
            SELECT id, \(bind: surveyID), 'Lastweg ' || CAST(i / 100 + 1 AS TEXT), CAST(i % 100 + 1 AS TEXT), '', 'Teilgebiet ' || CAST(i % 8 + 1 AS TEXT)
            FROM demo_city_addresses
            """).run()
        let day = CalendarDate.monthsBefore(1, CalendarDate.today())
        try await sql.raw("""
            CREATE TEMPORARY TABLE demo_city_rows AS \(unsafeRaw: range(cityInterviews))
            SELECT i, \(unsafeRaw: uuid) AS visit_id, \(unsafeRaw: uuid) AS interview_id FROM n
            """).run()
        try await sql.raw("""
            INSERT INTO survey_visits (id, survey_id, address_id, outcome, visited_on, interviewer_id, client_id)
            SELECT r.visit_id, \(bind: surveyID), a.id, 'interview', \(bind: day), \(bind: staffID), r.visit_id
            FROM demo_city_rows r JOIN demo_city_addresses a ON a.i = r.i % \(unsafeRaw: String(cityAddresses))
            """).run()
        try await sql.raw("""
            INSERT INTO survey_visits (id, survey_id, address_id, outcome, visited_on, interviewer_id, client_id)
            SELECT \(unsafeRaw: uuid), \(bind: surveyID), a.id,
                   CASE a.i % 4 WHEN 0 THEN 'letter-left' WHEN 1 THEN 'refused' WHEN 2 THEN 'appointment' ELSE 'unreachable' END,
                   \(bind: day), \(bind: staffID), \(unsafeRaw: uuid)
            FROM demo_city_addresses a WHERE a.i < \(unsafeRaw: String(cityOtherVisits))
            """).run()
        try await sql.raw("""
            INSERT INTO survey_interviews (id, survey_id, guide_id, visit_id, sub_area, interviewed_on, age_group, gender, household, tenure, language,
                                           is_group, willingness, skills, wants_invitation)
            SELECT r.interview_id, \(bind: surveyID), \(bind: guideID), r.visit_id, 'Teilgebiet ' || CAST((r.i % \(unsafeRaw: String(cityAddresses))) % 8 + 1 AS TEXT),
                   \(bind: day),
                   CASE r.i % 11 WHEN 0 THEN 'u18' WHEN 1 THEN '18-29' WHEN 2 THEN '30-44' WHEN 3 THEN '30-44' WHEN 4 THEN '45-64' WHEN 5 THEN '45-64'
                        WHEN 6 THEN '65+' WHEN 7 THEN '18-29' WHEN 8 THEN '45-64' WHEN 9 THEN '65+' ELSE NULL END,
                   CASE r.i % 3 WHEN 0 THEN 'female' WHEN 1 THEN 'male' ELSE CASE WHEN r.i % 30 = 2 THEN 'diverse' ELSE NULL END END,
                   CASE r.i % 6 WHEN 0 THEN 'single' WHEN 1 THEN 'couple' WHEN 2 THEN 'family' WHEN 3 THEN 'single-parent' WHEN 4 THEN 'shared' ELSE 'other' END,
                   CASE WHEN r.i % 4 = 3 THEN 'owner' ELSE 'tenant' END,
                   CASE r.i % 7 WHEN 2 THEN 'tr' WHEN 4 THEN 'ar' WHEN 6 THEN 'ru' ELSE 'de' END,
                   CASE WHEN r.i % 10 = 9 THEN \(bind: true) ELSE \(bind: false) END,
                   r.i % 5 + 1,
                   CASE WHEN r.i % 4 = 0 THEN 'Handwerk' ELSE '' END,
                   CASE WHEN r.i % 3 = 0 THEN \(bind: true) ELSE \(bind: false) END
            FROM demo_city_rows r
            """).run()
        try await sql.raw("""
            INSERT INTO survey_answers (id, survey_id, interview_id, question_key, text, is_quote, is_coded)
            SELECT \(unsafeRaw: uuid), \(bind: surveyID), r.interview_id, q.key, p.text, \(bind: false), \(bind: true)
            FROM demo_city_rows r CROSS JOIN survey_questions q JOIN demo_city_phrases p ON p.idx = (r.i * 7 + q.position * 13 + r.i / 5) % 24
            WHERE q.guide_id = \(bind: guideID) AND q.kind = 'open'
            """).run()
        let choice = "CASE WHEN q.kind = 'scale' THEN (r.i + q.position * 3) % 5 + 1 ELSE (r.i * 3 + q.position) % 4 + 1 END"
        try await sql.raw("""
            INSERT INTO survey_answers (id, survey_id, interview_id, question_key, text, is_quote, is_coded)
            SELECT \(unsafeRaw: uuid), \(bind: surveyID), r.interview_id, q.key, CAST(\(unsafeRaw: choice) AS TEXT), \(bind: false), \(bind: true)
            FROM demo_city_rows r CROSS JOIN survey_questions q WHERE q.guide_id = \(bind: guideID) AND q.kind <> 'open'
            """).run()
        try await sql.raw("""
            INSERT INTO survey_answer_choices (survey_id, interview_id, question_key, choice)
            SELECT \(bind: surveyID), r.interview_id, q.key, \(unsafeRaw: choice)
            FROM demo_city_rows r CROSS JOIN survey_questions q WHERE q.guide_id = \(bind: guideID) AND q.kind <> 'open'
            """).run()
        try await sql.raw("""
            INSERT INTO survey_answer_themes (answer_id, theme_id, survey_id, interview_id)
            SELECT a.id, p.theme_id, a.survey_id, a.interview_id FROM survey_answers a JOIN demo_city_phrases p ON p.text = a.text
            WHERE a.survey_id = \(bind: surveyID) AND p.theme_id IS NOT NULL
            """).run()
        try await sql.raw("""
            INSERT INTO survey_interview_themes (interview_id, theme_id, survey_id, sub_area, age_group, tenure)
            SELECT DISTINCT t.interview_id, t.theme_id, i.survey_id, i.sub_area, i.age_group, i.tenure
            FROM survey_answer_themes t JOIN survey_interviews i ON i.id = t.interview_id WHERE t.survey_id = \(bind: surveyID)
            """).run()
        for table in ["demo_city_rows", "demo_city_addresses", "demo_city_phrases"] {
            try await sql.raw("DROP TABLE \(unsafeRaw: table)").run()
        }
    }
}
