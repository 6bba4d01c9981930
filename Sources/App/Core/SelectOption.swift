/// One choice of a `<select>` (or a radio group) in a view context.
struct SelectOption: Encodable {
    let value: String
    let label: String
    let selected: Bool
}
