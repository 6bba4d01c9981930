import Testing
@testable import QuartierCore
