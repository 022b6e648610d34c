import MetaTuneNumerics

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

    /// The output columns ox whose input column ox·stride + kx − padding lies inside the image.
    @inline(__always)
    private func validColumns(_ kx: Int) -> Range<Int> {
        let first = padding - kx, last = width - 1 + padding - kx
        let lo = first <= 0 ? 0 : (first + stride - 1) / stride
        let hi = last < 0 ? 0 : Swift.min(outWidth, last / stride + 1)
        return lo..<Swift.max(lo, hi)
    }

    /// Unfolds the input into the column matrix [patch, positions] (zero padding); rows are
    /// filled in parallel.
    func im2col(_ x: UnsafeBufferPointer<Float>, _ cols: UnsafeMutableBufferPointer<Float>) {
        let (oh, ow) = (outHeight, outWidth)
        let plane = oh * ow
        Engine.parallelFor(patch, workPerItem: positions) { patchRow in
            let c = patchRow / (kernel * kernel), ky = patchRow / kernel % kernel, kx = patchRow % kernel
            let row = patchRow * positions
            let valid = validColumns(kx)
            for s in 0..<batch {
                let input = (s * inChannels + c) * height * width
                let base = row + s * plane
                for oy in 0..<oh {
                    let iy = oy * stride + ky - padding
                    let target = base + oy * ow
                    guard iy >= 0 && iy < height else {
                        for ox in 0..<ow { cols[target + ox] = 0 }
                        continue
                    }
                    let source = input + iy * width + kx - padding
                    for ox in 0..<valid.lowerBound { cols[target + ox] = 0 }
                    if stride == 1 {
                        if !valid.isEmpty {
                            (cols.baseAddress! + target + valid.lowerBound).update(from: x.baseAddress! + source + valid.lowerBound, count: valid.count)
                        }
                    } else {
                        for ox in valid { cols[target + ox] = x[source + ox * stride] }
                    }
                    for ox in valid.upperBound..<ow { cols[target + ox] = 0 }
                }
            }
        }
    }

    /// Folds a column-matrix gradient back onto the input gradient (adding); input channels are
    /// processed in parallel (each writes only its own planes).
    func col2im(_ cols: UnsafeBufferPointer<Float>, _ dx: UnsafeMutableBufferPointer<Float>) {
        let (oh, ow) = (outHeight, outWidth)
        let plane = oh * ow
        Engine.parallelFor(inChannels, workPerItem: kernel * kernel * positions) { c in
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = ((c * kernel + ky) * kernel + kx) * positions
                    let valid = validColumns(kx)
                    for s in 0..<batch {
                        let input = (s * inChannels + c) * height * width
                        let base = row + s * plane
                        for oy in 0..<oh {
                            let iy = oy * stride + ky - padding
                            guard iy >= 0 && iy < height else { continue }
                            let target = input + iy * width + kx - padding
                            let source = base + oy * ow
                            if stride == 1 {
                                for ox in valid { dx[target + ox] += cols[source + ox] }  // contiguous: vectorises
                            } else {
                                for ox in valid { dx[target + ox * stride] += cols[source + ox] }
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
        let cols = uninitializedArray(g.patch * g.positions) { c in data.withUnsafeBufferPointer { g.im2col($0, c) } }
        // [out, patch] · [patch, positions] → [out, positions], then to NCHW with the bias.
        let product = uninitializedArray(g.outChannels * g.positions) { p in
            weight.data.withUnsafeBufferPointer { w in cols.withUnsafeBufferPointer { c in
                Engine.gemm(transposeA: false, transposeB: false, m: g.outChannels, n: g.positions, k: g.patch,
                          a: w.baseAddress!, b: c.baseAddress!, c: p.baseAddress!)
            } }
        }
        let biasValues = bias?.data
        let out = uninitializedArray(g.batch * g.outChannels * plane) { o in
            product.withUnsafeBufferPointer { p in
                Engine.parallelFor(g.batch, workPerItem: g.outChannels * plane) { s in
                    for oc in 0..<g.outChannels {
                        let b = biasValues?[oc] ?? 0
                        let source = oc * g.positions + s * plane, target = (s * g.outChannels + oc) * plane
                        for i in 0..<plane { o[target + i] = p[source + i] + b }
                    }
                }
            }
        }
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor(shape: [g.batch, g.outChannels, g.outHeight, g.outWidth], data: out, inputs: inputs, vjp: { _, u in
            Tensor.convolutionVJP(u, input: self, columns: cols, weight: weight, bias: bias, g)
        }) { result in
            // dY in NCHW → [out, positions].
            let dy = uninitializedArray(g.outChannels * g.positions) { d in
                result.grad.withUnsafeBufferPointer { r in
                    Engine.parallelFor(g.batch, workPerItem: g.outChannels * plane) { s in
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
                            Engine.gemm(transposeA: false, transposeB: true, m: g.outChannels, n: g.patch, k: g.positions,
                                      a: d.baseAddress!, b: c.baseAddress!, beta: 1, c: dw.baseAddress!)
                        }
                    }
                }
                if self.requiresGrad {
                    let dcols = uninitializedArray(g.patch * g.positions) { dc in
                        weight.data.withUnsafeBufferPointer { w in
                            Engine.gemm(transposeA: true, transposeB: false, m: g.patch, n: g.positions, k: g.outChannels,
                                      a: w.baseAddress!, b: d.baseAddress!, c: dc.baseAddress!)
                        }
                    }
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
        data.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { out in argmax.withUnsafeMutableBufferPointer { argmax in
            Engine.parallelFor(n * c, workPerItem: h * w) { plane in
                let input = plane * h * w, output = plane * oh * ow
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var best = -Float.infinity, where_ = input + oy * step * w + ox * step  // a window of NaNs points into itself
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
        } } }
        let inputShape = shape
        return Tensor(shape: [n, c, oh, ow], data: out, inputs: [self], vjp: { _, u in [u.scattered(argmax, into: inputShape)] }) { result in
            self.accumulateGrad { dx in
                result.grad.withUnsafeBufferPointer { dy in
                    for i in 0..<dy.count { dx[Int(argmax[i])] += dy[i] }
                }
            }
        }
    }
}
