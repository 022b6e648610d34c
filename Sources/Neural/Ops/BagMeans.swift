import MetaTuneNumerics

extension Tensor {
    /// For an embedding table [vocabulary, d]: the mean of the rows `ids[starts[b]..<starts[b + 1]]`
    /// for each bag b (the last bag runs to the end of `ids`), as [starts.count, d]; an empty bag
    /// gives zeros. Each bag is summed directly — no [bags, ids] averaging matrix — and the
    /// gradient is added to the looked-up rows only (row-sparse, see `accumulateGrad(rows:_:)`).
    /// Differentiable twice. Every id must be a row of the table; `starts` must be non-decreasing
    /// within `ids`.
    public func bagMeans(ids: [Int], starts: [Int]) -> Tensor {
        precondition(shape.count == 2 && ids.allSatisfy { (0..<shape[0]).contains($0) }, "bag ids outside the table of shape \(shape)")
        precondition(zip(starts, starts.dropFirst() + [ids.count]).allSatisfy { 0 <= $0 && $0 <= $1 && $1 <= ids.count }, "bag starts out of order")
        let width = shape[1], bags = starts.count
        let ends = Array(starts.dropFirst()) + [ids.count]
        guard bags > 0 && width > 0 else { return Tensor(zeros: [bags, width]) }
        let out = uninitializedArray(bags * width) { out in
            data.withUnsafeBufferPointer { table in
                let (tp, op) = (UncheckedSendable(table.baseAddress!), UncheckedSendable(out.baseAddress!))
                Engine.parallelFor(bags, workPerItem: max(1, ids.count / max(bags, 1)) * width) { bag in
                    let o = op.value + bag * width
                    for j in 0..<width { o[j] = 0 }
                    guard ends[bag] > starts[bag] else { return }
                    for position in starts[bag]..<ends[bag] {
                        let row = tp.value + ids[position] * width
                        for j in 0..<width { o[j] += row[j] }
                    }
                    let scale = 1 / Float(ends[bag] - starts[bag])
                    for j in 0..<width { o[j] *= scale }
                }
            }
        }
        let tableShape = shape
        return Tensor(shape: [bags, width], data: out, inputs: [self], vjp: { _, upstream in
            [Tensor.bagMeansVJP(upstream, ids: ids, starts: starts, ends: ends, tableShape: tableShape)]
        }, backward: { result in
            let table = result.inputs[0]
            table.accumulateGrad(rows: Array(Set(ids)).sorted()) { g in
                result.grad.withUnsafeBufferPointer { u in
                    for bag in 0..<bags where ends[bag] > starts[bag] {
                        let scale = 1 / Float(ends[bag] - starts[bag])
                        for position in starts[bag]..<ends[bag] {
                            let (row, from) = (ids[position] * width, bag * width)
                            for j in 0..<width { g[row + j] += scale * u[from + j] }
                        }
                    }
                }
            }
        })
    }

    /// The table's gradient of `bagMeans` as tensor operations (so it differentiates again): the
    /// upstream row of each id's bag, scaled by 1 / the bag's size, added into the id's row.
    private static func bagMeansVJP(_ upstream: Tensor, ids: [Int], starts: [Int], ends: [Int], tableShape: [Int]) -> Tensor {
        let width = tableShape[1]
        var fromBag = [Int32](), intoTable = [Int32](), scales = [Float]()
        for bag in 0..<starts.count where ends[bag] > starts[bag] {
            let scale = 1 / Float(ends[bag] - starts[bag])
            for position in starts[bag]..<ends[bag] {
                for j in 0..<width {
                    fromBag.append(Int32(bag * width + j))
                    intoTable.append(Int32(ids[position] * width + j))
                    scales.append(scale)
                }
            }
        }
        let spread = upstream.gathered(fromBag, shape: [fromBag.count]) * Tensor(shape: [scales.count], data: scales)
        return spread.scattered(intoTable, into: tableShape)
    }
}
