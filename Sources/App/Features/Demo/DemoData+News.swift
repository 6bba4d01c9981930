import Fluent
import QuartierCore
import Vapor

/// The demo district's news and pages: published items (one translated into Arabic, Turkish, English and
/// Leichte Sprache), one scheduled for next week, one draft; the three pages of the menu; and translations of the
/// district festival and the community garden. All fictional.
extension DemoData {
    static let translatedNewsTitle = "Neuer Gemeinschaftsgarten: Beete zu vergeben (Beispiel)"
    static let scheduledNewsTitle = "Vorschau: Ergebnisse der Befragung (Beispiel, geplant)"
    static let festivalTitle = "Stadtteilfest am Hang (Beispiel)"
    static let gardenProjectTitle = "Gemeinschaftsgarten am Waldrand (Beispiel)"

    static func loadNews(scale: Scale, on db: any Database) async throws {
        let now = Date()
        let day: TimeInterval = 86_400
        let fields = try await FieldOfAction.query(on: db).all()
        func field(_ name: String) -> UUID? { fields.first { $0.name == name }?.id }
        let festival = try await Event.query(on: db).filter(\.$title == festivalTitle).first()
        let garden = try await Project.query(on: db).filter(\.$title == gardenProjectTitle).first()
        let steering = try await Committee.query(on: db).filter(\.$isPublic == true).sort(\.$name).first()

        let items: [(title: String, teaser: String, body: String, age: TimeInterval, draft: Bool, fields: [String], event: UUID?, project: UUID?, committee: UUID?)] = [
            (translatedNewsTitle,
             "Am Waldrand wächst ein Garten für alle. Wer mitgärtnern möchte, bekommt ein eigenes Beet.",
             "Im Frühjahr haben Nachbarinnen und Nachbarn am **Waldrand 8** einen Gemeinschaftsgarten angelegt. Jetzt sind noch sechs Beete frei.\n\n## So machen Sie mit\n\n- Kommen Sie zum Gartentreff, jeden zweiten Samstag um 11 Uhr.\n- Oder melden Sie sich im Stadtteilbüro.\n\nMehr über das Projekt lesen Sie auf der [Projektseite](/projekte).",
             -2 * day, false, ["Umwelt/Klimaschutz", "Soziales"], nil, garden?.id, nil),
            ("Stadtteilfest am Hang: Helferinnen und Helfer gesucht (Beispiel)",
             "Für das Stadtteilfest suchen wir Menschen, die einen Stand betreuen, Kuchen backen oder beim Aufbau helfen.",
             "Das Stadtteilfest lebt von allen, die mitmachen. Wer eine Stunde Zeit hat, meldet sich bitte im Stadtteilbüro.\n\nAuch Vereine und Initiativen können sich mit einem Stand vorstellen.",
             -5 * day, false, ["Soziales"], festival?.id, nil, nil),
            ("Steuerungsgruppe berät über den Spielplatz (Beispiel)",
             "Die Steuerungsgruppe hat die Ideen aus der Zukunftswerkstatt besprochen.",
             "In ihrer letzten Sitzung hat die Steuerungsgruppe die Vorschläge der Kinder und Eltern für den *Spielplatz am Hang* beraten. Das Protokoll steht öffentlich bereit, sobald es genehmigt ist.",
             -9 * day, false, ["Städtebau"], nil, nil, steering?.id),
            ("Neue Sprechzeiten im Stadtteilbüro (Beispiel)",
             "Ab sofort ist das Stadtteilbüro auch donnerstags am Nachmittag geöffnet.",
             "Donnerstags von 14 bis 17 Uhr beraten wir zu allen Fragen rund um den Stadtteil – auch auf Türkisch und Arabisch.",
             -20 * day, false, [], nil, nil, nil),
            (scheduledNewsTitle,
             "Was haben die Befragten gesagt? Die Ergebnisse der aktivierenden Befragung stellen wir nächste Woche vor.",
             "Dieser Beitrag erscheint erst zum eingetragenen Zeitpunkt.",
             7 * day, false, ["Beteiligung"], nil, nil, nil),
            ("Entwurf: Rückblick auf den Winter (Beispiel)",
             "Noch nicht fertig.",
             "Dieser Entwurf ist nicht öffentlich.",
             -1 * day, true, [], nil, nil, nil),
        ]
        var translatedID: UUID?
        for item in items {
            let news = NewsItem(title: item.title, teaser: item.teaser, body: item.body, publishAt: now.addingTimeInterval(item.age), isDraft: item.draft)
            news.$event.id = item.event
            news.$project.id = item.project
            news.$committee.id = item.committee
            try await news.create(on: db)
            let id = try news.requireID()
            for fieldID in item.fields.compactMap(field) { try await NewsItemField(newsItemID: id, fieldOfActionID: fieldID).create(on: db) }
            if item.title == translatedNewsTitle { translatedID = id }
        }
        // At city scale, years of news: the list, the feed and the sitemap must stay flat.
        if scale == .city {
            let archive = (0..<2_000).map { index in
                NewsItem(title: "Meldung \(index + 1) aus dem Archiv (Beispiel)", teaser: "Eine erfundene ältere Meldung.",
                         body: "Text der Meldung \(index + 1).", publishAt: now.addingTimeInterval(-Double(30 + index) * day))
            }
            for chunk in archive.chunked(into: 500) { try await chunk.create(on: db) }
        }

        if let translatedID {
            let translations: [(ContentLanguage, String, String, String)] = [
                (.ar, "حديقة مجتمعية جديدة: أحواض متاحة (مثال)",
                 "تنمو حديقة للجميع عند طرف الغابة. من يرغب في الزراعة معنا يحصل على حوض خاص به.",
                 "في الربيع أنشأ الجيران حديقة مجتمعية في **فالدراند 8**. لا تزال ستة أحواض متاحة.\n\n## كيف تشارك\n\n- تعال إلى لقاء الحديقة كل يوم سبت ثانٍ الساعة 11.\n- أو سجّل في مكتب الحي."),
                (.tr, "Yeni topluluk bahçesi: boş tarhlar var (örnek)",
                 "Orman kenarında herkes için bir bahçe büyüyor. Birlikte bahçe yapmak isteyen kendi tarhını alır.",
                 "İlkbaharda komşular **Waldrand 8** adresinde bir topluluk bahçesi kurdu. Altı tarh hâlâ boş.\n\n## Nasıl katılırım?\n\n- Her iki haftada bir cumartesi saat 11'de bahçe buluşmasına gelin.\n- Ya da mahalle ofisine başvurun."),
                (.en, "New community garden: beds available (example)",
                 "A garden for everyone is growing at the edge of the forest. Whoever wants to join gets a bed of their own.",
                 "In spring, neighbours laid out a community garden at **Waldrand 8**. Six beds are still free.\n\n## How to take part\n\n- Come to the garden meeting every other Saturday at 11 am.\n- Or sign up at the neighbourhood office."),
                (.easy, "Neuer Garten für alle",
                 "Es gibt einen neuen Garten. Sie können mitmachen.",
                 "Der Garten ist am Wald-Rand.\n\nDie Adresse ist: Wald-Rand 8.\n\nSie können dort ein Beet bekommen.\n\nEin Beet ist ein kleines Stück Garten.\n\nSie wollen mitmachen?\n\nDann kommen Sie zum Treffen.\n\nDas Treffen ist jeden zweiten Samstag.\n\nDas Treffen beginnt um 11 Uhr."),
            ]
            for (language, title, summary, body) in translations {
                try await ContentTranslation(contentType: .news, contentID: translatedID, language: language, title: title, summary: summary, body: body).create(on: db)
            }
        }
        if let festivalID = festival?.id {
            try await ContentTranslation(contentType: .event, contentID: festivalID, language: .ar, title: "مهرجان الحي على التلة (مثال)", summary: "",
                                         body: "موسيقى وطعام وألعاب للأطفال. الجميع مدعوون. الدخول مجاني.").create(on: db)
            try await ContentTranslation(contentType: .event, contentID: festivalID, language: .en, title: "District festival on the hill (example)", summary: "",
                                         body: "Music, food and games for children. Everybody is welcome. Admission is free.").create(on: db)
            try await ContentTranslation(contentType: .event, contentID: festivalID, language: .tr, title: "Tepedeki mahalle şenliği (örnek)", summary: "",
                                         body: "Müzik, yemek ve çocuklar için oyunlar. Herkes davetli. Giriş ücretsiz.").create(on: db)
        }
        if let gardenID = garden?.id {
            try await ContentTranslation(contentType: .project, contentID: gardenID, language: .ar, title: "حديقة مجتمعية عند طرف الغابة (مثال)",
                                         summary: "جيران يزرعون معاً: خضروات وأعشاب وزهور.",
                                         body: "ازرع معنا! نلتقي كل يوم سبت ثانٍ الساعة 11 في فالدراند 8. لا حاجة لخبرة سابقة.").create(on: db)
            try await ContentTranslation(contentType: .project, contentID: gardenID, language: .uk, title: "Громадський сад на узліссі (приклад)",
                                         summary: "Сусіди садять разом: овочі, трави та квіти.",
                                         body: "Приєднуйтесь! Зустрічі щодругої суботи об 11:00 на Waldrand 8. Досвід не потрібен.").create(on: db)
        }

        let pages: [(String, String, String, String)] = [
            ("ueber-das-programm", "Über das Programm",
             "Stadtwald-Ockershausen ist seit 2014 im Städtebauförderprogramm Sozialer Zusammenhalt (Beispiel).",
             "Das Bund-Länder-Programm **Sozialer Zusammenhalt** (früher *Soziale Stadt*) unterstützt Stadtteile, in denen viele Menschen mit wenig Geld leben.\n\n## Was das Quartiersmanagement tut\n\n- Es bringt Bewohnerinnen, Vereine, Schulen und Verwaltung zusammen.\n- Es unterstützt Ideen aus der Nachbarschaft, zum Beispiel mit dem Verfügungsfonds.\n- Es informiert über alles, was im Stadtteil geplant wird.\n\nDie Grundlage ist das *Integrierte Stadtentwicklungskonzept* (ISEK) von 2018. Alle Angaben hier sind fiktive Demo-Daten."),
            ("das-gebiet", "Das Gebiet",
             "Wo das Programmgebiet liegt und wer hier wohnt (Beispiel).",
             "Das Programmgebiet reicht vom Waldrand bis zum Marktplatz. Hier leben rund 4.000 Menschen aus mehr als 40 Ländern.\n\n## Orte im Gebiet\n\n- Stadtteilbüro am Marktplatz\n- Nachbarschaftstreff Musterweg\n- Grundschule und Kita am Hang\n- Gemeinschaftsgarten am Waldrand"),
            ("mitmachen", "Mitmachen",
             "Viele Wege, sich im Stadtteil einzubringen.",
             "Sie haben eine Idee oder ein Anliegen? Es gibt viele Wege mitzumachen:\n\n- Kommen Sie zu unseren [Veranstaltungen](/veranstaltungen).\n- Beantragen Sie Geld aus dem [Verfügungsfonds](/verfuegungsfonds).\n- Melden Sie ein [Anliegen](/anliegen).\n- Besuchen Sie die öffentlichen [Sitzungen der Gremien](/gremien).\n\nOder kommen Sie einfach im Stadtteilbüro vorbei."),
        ]
        for (index, page) in pages.enumerated() {
            let infoPage = InfoPage(slug: page.0, title: page.1, summary: page.2, body: page.3, position: index + 1)
            try await infoPage.create(on: db)
            if page.0 == "mitmachen" {
                try await ContentTranslation(contentType: .page, contentID: try infoPage.requireID(), language: .en, title: "Take part",
                                             summary: "Many ways to get involved in the neighbourhood.",
                                             body: "Do you have an idea or a concern? There are many ways to take part:\n\n- Come to our [events](/veranstaltungen).\n- Apply for money from the [neighbourhood fund](/verfuegungsfonds).\n- Report a [concern](/anliegen).\n\nOr simply drop in at the neighbourhood office.").create(on: db)
            }
        }
    }
}
