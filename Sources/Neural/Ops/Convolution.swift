import Numerics

/// Geometry of a 2-D convolution over NCHW tensors.
struct ConvolutionGeometry {
    let batch, inChannels, height, width: Int
    let outChannels, kernel, stride, padding: Int

    var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Rows of the column matrix: one per (input channel, kernel row, kernel column).
    var patch: Int { inChannels * kernel * kernel }
    /// Columns of the column matrix: one per (sample, output position).
    var positions: Int { batch * outHeight * outWidth }

    /// Unfolds the input into the column matrix [patch, positions] (zero padding).
    func im2col(_ x: UnsafeBufferPointer<Float>, _ cols: UnsafeMutableBufferPointer<Float>) {
        let (oh, ow) = (outHeight, outWidth)
        let plane = oh * ow
        for c in 0..<inChannels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = ((c * kernel + ky) * kernel + kx) * positions
                    for s in 0..<batch {
                        let input = (s * inChannels + c) * height * width
                        let base = row + s * plane
                        for oy in 0..<oh {
                            let iy = oy * stride + ky - padding
                            let target = base + oy * ow
                            if iy < 0 || iy >= height {
                                for ox in 0..<ow { cols[target + ox] = 0 }
                                continue
                            }
                            let source = input + iy * width
                            for ox in 0..<ow {
                                let ix = ox * stride + kx - padding
                                cols[target + ox] = (ix >= 0 && ix < width) ? x[source + ix] : 0
                            }
                        }
                    }
                }
            }
        }
    }

    /// Folds a column-matrix gradient back onto the input gradient (adding).
    func col2im(_ cols: UnsafeBufferPointer<Float>, _ dx: UnsafeMutableBufferPointer<Float>) {
        let (oh, ow) = (outHeight, outWidth)
        let plane = oh * ow
        for c in 0..<inChannels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = ((c * kernel + ky) * kernel + kx) * positions
                    for s in 0..<batch {
                        let input = (s * inChannels + c) * height * width
                        let base = row + s * plane
                        for oy in 0..<oh {
                            let iy = oy * stride + ky - padding
                            guard iy >= 0 && iy < height else { continue }
                            let target = input + iy * width
                            let source = base + oy * ow
                            for ox in 0..<ow {
                                let ix = ox * stride + kx - padding
                                if ix >= 0 && ix < width { dx[target + ix] += cols[source + ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// 2-D cross-correlation of an NCHW input with weights [out, in, k, k] and a bias [out]
    /// (im2col + one GEMM for the whole batch).
    public func conv2d(weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) -> Tensor {
        precondition(shape.count == 4 && weight.shape.count == 4 && weight.shape[1] == shape[1] && weight.shape[2] == weight.shape[3],
                     "conv2d input \(shape) and weight \(weight.shape) do not match")
        let g = ConvolutionGeometry(batch: shape[0], inChannels: shape[1], height: shape[2], width: shape[3],
                                    outChannels: weight.shape[0], kernel: weight.shape[2], stride: stride, padding: padding)
        precondition(g.outHeight > 0 && g.outWidth > 0, "the kernel is larger than the padded input")
        let plane = g.outHeight * g.outWidth
        var cols = [Float](repeating: 0, count: g.patch * g.positions)
        data.withUnsafeBufferPointer { x in cols.withUnsafeMutableBufferPointer { g.im2col(x, $0) } }
        // [out, patch] · [patch, positions] → [out, positions], then to NCHW with the bias.
        var product = [Float](repeating: 0, count: g.outChannels * g.positions)
        weight.data.withUnsafeBufferPointer { w in cols.withUnsafeBufferPointer { c in product.withUnsafeMutableBufferPointer { p in
            BLAS.gemm(transposeA: false, transposeB: false, m: g.outChannels, n: g.positions, k: g.patch,
                      a: w.baseAddress!, b: c.baseAddress!, c: p.baseAddress!)
        } } }
        var out = [Float](repeating: 0, count: g.batch * g.outChannels * plane)
        out.withUnsafeMutableBufferPointer { o in
            product.withUnsafeBufferPointer { p in
                for s in 0..<g.batch {
                    for oc in 0..<g.outChannels {
                        let b = bias?.data[oc] ?? 0
                        let source = oc * g.positions + s * plane, target = (s * g.outChannels + oc) * plane
                        for i in 0..<plane { o[target + i] = p[source + i] + b }
                    }
                }
            }
        }
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor(shape: [g.batch, g.outChannels, g.outHeight, g.outWidth], data: out, inputs: inputs) { result in
            // dY in NCHW → [out, positions].
            var dy = [Float](repeating: 0, count: g.outChannels * g.positions)
            dy.withUnsafeMutableBufferPointer { d in
                result.grad.withUnsafeBufferPointer { r in
                    for s in 0..<g.batch {
                        for oc in 0..<g.outChannels {
                            let source = (s * g.outChannels + oc) * plane, target = oc * g.positions + s * plane
                            for i in 0..<plane { d[target + i] = r[source + i] }
                        }
                    }
                }
            }
            dy.withUnsafeBufferPointer { d in
                if let bias, bias.requiresGrad {
                    bias.accumulateGrad { db in
                        for oc in 0..<g.outChannels {
                            var sum: Float = 0
                            for i in 0..<g.positions { sum += d[oc * g.positions + i] }
                            db[oc] += sum
                        }
                    }
                }
                if weight.requiresGrad {
                    weight.accumulateGrad { dw in
                        cols.withUnsafeBufferPointer { c in
                            BLAS.gemm(transposeA: false, transposeB: true, m: g.outChannels, n: g.patch, k: g.positions,
                                      a: d.baseAddress!, b: c.baseAddress!, beta: 1, c: dw.baseAddress!)
                        }
                    }
                }
                if self.requiresGrad {
                    var dcols = [Float](repeating: 0, count: g.patch * g.positions)
                    weight.data.withUnsafeBufferPointer { w in dcols.withUnsafeMutableBufferPointer { dc in
                        BLAS.gemm(transposeA: true, transposeB: false, m: g.patch, n: g.positions, k: g.outChannels,
                                  a: w.baseAddress!, b: d.baseAddress!, c: dc.baseAddress!)
                    } }
                    self.accumulateGrad { dx in dcols.withUnsafeBufferPointer { g.col2im($0, dx) } }
                }
            }
        }
    }

    /// Max pooling over size×size windows with the given stride (NCHW).
    public func maxPool2d(size: Int = 2, stride: Int? = nil) -> Tensor {
        precondition(shape.count == 4, "maxPool2d needs an NCHW tensor, got \(shape)")
        let step = stride ?? size
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (oh, ow) = ((h - size) / step + 1, (w - size) / step + 1)
        precondition(oh > 0 && ow > 0, "the pooling window is larger than the input")
        var out = [Float](repeating: 0, count: n * c * oh * ow)
        var argmax = [Int32](repeating: 0, count: out.count)
        data.withUnsafeBufferPointer { x in
            for plane in 0..<(n * c) {
                let input = plane * h * w, output = plane * oh * ow
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var best = -Float.infinity, where_ = 0
                        for ky in 0..<size {
                            for kx in 0..<size {
                                let index = input + (oy * step + ky) * w + ox * step + kx
                                if x[index] > best { best = x[index]; where_ = index }
                            }
                        }
                        out[output + oy * ow + ox] = best
                        argmax[output + oy * ow + ox] = Int32(where_)
                    }
                }
            }
        }
        return Tensor(shape: [n, c, oh, ow], data: out, inputs: [self]) { result in
            self.accumulateGrad { dx in
                result.grad.withUnsafeBufferPointer { dy in
                    for i in 0..<dy.count { dx[Int(argmax[i])] += dy[i] }
                }
            }
        }
    }
}
