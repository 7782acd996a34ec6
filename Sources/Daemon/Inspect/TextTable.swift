/// Left-aligned columns separated by spaces, the way Go's `text/tabwriter` lays out
/// `istioctl`'s tables: every cell but the last in a row is padded to its column's
/// widest cell plus `padding` spaces, so output lines up the same for users who
/// compare the two or parse them with `awk`.
public struct TextTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]
    /// Spaces after a column's widest cell (istioctl uses 5 for most tables, 1 for
    /// listeners).
    public var padding: Int

    public init(header: [String], rows: [[String]] = [], padding: Int = 5) {
        self.header = header
        self.rows = rows
        self.padding = padding
    }

    /// The table, one line per row, each ending in a newline.
    public var rendered: String {
        let lines = [header] + rows
        var widths: [Int] = []
        for line in lines {
            for (index, cell) in line.enumerated() {
                if index == widths.count { widths.append(0) }
                widths[index] = max(widths[index], cell.count)
            }
        }
        var text = ""
        for line in lines {
            for (index, cell) in line.enumerated() {
                text += cell
                if index < line.count - 1 {
                    text += String(repeating: " ", count: widths[index] - cell.count + padding)
                }
            }
            text += "\n"
        }
        return text
    }
}
