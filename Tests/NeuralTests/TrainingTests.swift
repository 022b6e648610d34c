import XCTest
import MetaTuneNumerics
@testable import Neural

final class TrainingTests: XCTestCase {
    func testDigitsProtocolFirstBatchLossMatchesTheReference() throws {
        var digits = try Dataset.digits()
        digits.imageShape = nil
        let train = digits.subset(Array(0..<1437))
        var initGenerator = SplitMix64(state: 1000)
        let model = Sequential([Dense(64, 128, protocolInit: &initGenerator), ActivationLayer(.relu),
                                Dense(128, 10, protocolInit: &initGenerator)])
        // Test vectors of the protocol (dl.md): the first initial weights in PyTorch order.
        let w1 = (model.layers[0] as! Dense).weight
        XCTAssertEqual(w1.data[0 * 128 + 0], -0.066289030, accuracy: 1e-8)
        XCTAssertEqual(w1.data[1 * 128 + 0], 0.078592740, accuracy: 1e-8)
        var order = SplitMix64(state: 2000)
        let permutation = order.permutation(train.count)
        XCTAssertEqual(Array(permutation.prefix(8)), [381, 228, 324, 523, 709, 905, 1056, 53])
        let optimizer = Adam(parameters: model.parameters, learningRate: 1e-3)
        var context = ForwardContext(training: true)
        var losses: [Float] = []
        for start in stride(from: 0, to: train.count, by: 32) {
            let (x, y) = train.batch(permutation[start..<min(start + 32, train.count)])
            let loss = model.forward(x, &context).softmaxCrossEntropy(labels: y)
            losses.append(loss.scalar)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
        }
        XCTAssertEqual(losses[0], 2.2974143, accuracy: 2.2974143 * 1e-5)
        XCTAssertEqual(losses[1], 2.2775197, accuracy: 2.2775197 * 1e-4)
        XCTAssertEqual(losses.reduce(0, +) / Float(losses.count), 2.0709581, accuracy: 2.0709581 * 1e-4)
    }

    func testSplitMix64TestVectors() {
        var generator = SplitMix64(state: 0)
        XCTAssertEqual([generator.next(), generator.next(), generator.next()],
                       [0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f])
        var other = SplitMix64(state: 1234567)
        XCTAssertEqual(other.next(), 0x599ed017fb08fc85)
        var u = SplitMix64(state: 0)
        XCTAssertEqual(u.nextU53(), 0.8833108082136426)
        XCTAssertEqual(u.nextU53(), 0.43152799704850997)
    }
}

final class ProtocolDataTests: XCTestCase {
    func testSyntheticDataAndInitialisationMatchTheProtocolTestVectors() {
        let mnist = TrainingBenchmark.mnistShapedData(count: 12, dataSeed: 42, teacherSeed: 43)
        XCTAssertEqual(Array(mnist.features.prefix(3)), [0.74156487, 0.15991038, 0.27860111])
        XCTAssertEqual(mnist.features[784], 0.72618127)
        XCTAssertEqual(Array(mnist.labels.prefix(10)), [7, 0, 5, 9, 5, 8, 0, 4, 9, 7])
        var mnistInit = SplitMix64(state: 1042)
        let w1 = Dense(784, 256, protocolInit: &mnistInit).weight
        XCTAssertEqual(w1.data[0], 0.0061318171, accuracy: 1e-9)

        let cnn = TrainingBenchmark.mnistShapedData(count: 10, dataSeed: 52, teacherSeed: 53, imageShape: [1, 28, 28])
        XCTAssertEqual(Array(cnn.features.prefix(3)), [0.97540748, 0.21814364, 0.23494923])
        XCTAssertEqual(cnn.labels, [9, 4, 7, 3, 5, 7, 3, 1, 0, 6])
        var cnnInit = SplitMix64(state: 1052)
        let conv1 = Conv2D(1, 16, kernel: 3, padding: 1, protocolInit: &cnnInit).weight
        XCTAssertEqual(Array(conv1.data.prefix(3)), [-0.20483488, -0.065085240, 0.22097680])
    }
}
