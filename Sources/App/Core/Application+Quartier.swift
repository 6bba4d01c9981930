import QuartierCore
import Vapor

/// Quartier's own things on the application: its settings and its localization catalog.
extension Application {
    private struct SettingsKey: StorageKey {
        typealias Value = Settings
    }

    private struct CatalogKey: StorageKey {
        typealias Value = Catalog
    }

    var settings: Settings {
        get {
            guard let settings = storage[SettingsKey.self] else { fatalError("configure(_:settings:) was not called") }
            return settings
        }
        set { storage[SettingsKey.self] = newValue }
    }

    var catalog: Catalog {
        get {
            guard let catalog = storage[CatalogKey.self] else { fatalError("the localization catalog was not loaded") }
            return catalog
        }
        set { storage[CatalogKey.self] = newValue }
    }
}

extension Request {
    var settings: Settings { application.settings }
}
