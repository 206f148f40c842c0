/// Keys numbered in order of first sight: a key is hashed once, then kept by number (groups,
/// check names and problem categories of the comparative tables).
struct Numbering<Key: Hashable> {
    /// The keys, by number.
    private(set) var keys: [Key] = []
    private var numbers: [Key: Int32] = [:]

    var count: Int { keys.count }

    /// The number of a key already seen.
    func existing(_ key: Key) -> Int32? { numbers[key] }

    /// The key's number, given to it at first sight.
    mutating func number(_ key: Key) -> Int32 {
        if let number = numbers[key] { return number }
        let number = Int32(keys.count)
        numbers[key] = number
        keys.append(key)
        return number
    }

    subscript(_ number: Int32) -> Key { keys[Int(number)] }
}
