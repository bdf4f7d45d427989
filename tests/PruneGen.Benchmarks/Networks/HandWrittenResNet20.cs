using PruneGen.Torch;
using PruneGen.Torch.Modules;
using static PruneGen.Torch.torch;
using F = PruneGen.Torch.torch.nn.functional;

namespace PruneGen.Benchmarks.Networks;

/// <summary>
/// ResNet-20 written by hand against the binding, layer for layer the network of the PyTorch
/// reference script (pytorch/train_throughput.py): the yardstick the generated network is held to.
/// </summary>
public sealed class HandWrittenResNet20 : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;
    private readonly BatchNorm2d _bn;
    private readonly Sequential _blocks;
    private readonly Linear _fc;

    public HandWrittenResNet20(int inputChannels = 1, int classes = 10) : base(nameof(HandWrittenResNet20))
    {
        _conv = nn.Conv2d(inputChannels, 16, 3, stride: 1, padding: 1, bias: false);
        _bn = nn.BatchNorm2d(16);
        register_module("conv", _conv);
        register_module("bn", _bn);
        var blocks = new List<nn.Module<Tensor, Tensor>>();
        int cin = 16;
        foreach ((int width, int stride) in new[] { (16, 1), (32, 2), (64, 2) })
        {
            for (int i = 0; i < 3; i++)
            {
                blocks.Add(new BasicBlock(cin, width, i == 0 ? stride : 1));
                cin = width;
            }
        }
        _blocks = nn.Sequential(blocks);
        register_module("blocks", _blocks);
        _fc = nn.Linear(64, classes);
        register_module("fc", _fc);
    }

    public override Tensor forward(Tensor input)
    {
        Tensor x = F.relu(_bn.call(_conv.call(input)));
        x = _blocks.call(x);
        x = F.adaptive_avg_pool2d(x, 1).flatten(1);
        return _fc.call(x);
    }

    private sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1, _conv2;
        private readonly BatchNorm2d _bn1, _bn2;
        private readonly Sequential? _shortcut;

        public BasicBlock(int cin, int cout, int stride) : base(nameof(BasicBlock))
        {
            _conv1 = nn.Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false);
            _bn1 = nn.BatchNorm2d(cout);
            _conv2 = nn.Conv2d(cout, cout, 3, stride: 1, padding: 1, bias: false);
            _bn2 = nn.BatchNorm2d(cout);
            register_module("conv1", _conv1);
            register_module("bn1", _bn1);
            register_module("conv2", _conv2);
            register_module("bn2", _bn2);
            if (stride != 1 || cin != cout)
            {
                _shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride: stride, bias: false), nn.BatchNorm2d(cout));
                register_module("shortcut", _shortcut);
            }
        }

        public override Tensor forward(Tensor x)
        {
            Tensor h = F.relu(_bn1.call(_conv1.call(x)));
            h = _bn2.call(_conv2.call(h));
            Tensor shortcut = _shortcut is null ? x : _shortcut.call(x);
            return F.relu(h + shortcut);
        }
    }
}
