using PruneGen.Experiments;
using PruneGen.Training;
using PruneGen.Zoo;

namespace PruneGen.FashionMnist.Experiments;

/// <summary>The reference point every pruning experiment is compared with: ResNet-20 trained as declared.</summary>
[Experiment("resnet20-dense", Network = typeof(ResNet20), Method = "dense", Dataset = "fashion-mnist",
    Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "ResNet-20 trained without pruning (the dense reference)")]
public partial class ResNet20Dense : ExperimentOptions
{
    public TrainingMethod CreateMethod() => new DenseTraining();
}

/// <summary>ResNet-56 trained without pruning: the common start of the ResNet-56 EMO pair (<c>--set dense_run=…</c>).</summary>
[Experiment("resnet56-dense", Network = typeof(ResNet56), Method = "dense", Dataset = "fashion-mnist",
    Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "ResNet-56 trained without pruning (its dense reference)")]
public partial class ResNet56Dense : ExperimentOptions
{
    public TrainingMethod CreateMethod() => new DenseTraining();
}

/// <summary>The VGG-style network trained without pruning: the common start of the VGG-style EMO pair (<c>--set dense_run=…</c>).</summary>
[Experiment("vgg-dense", Network = typeof(VggSmall), Method = "dense", Dataset = "fashion-mnist",
    Epochs = Budget.Epochs, BatchSize = Budget.BatchSize,
    Description = "the VGG-style network trained without pruning (its dense reference)")]
public partial class VggDense : ExperimentOptions
{
    public TrainingMethod CreateMethod() => new DenseTraining();
}

/// <summary>
/// The same training on the deterministic synthetic set: a smoke run that needs no dataset package
/// (the integration test drives it through the real entry point, kill and resume included).
/// </summary>
[Experiment("resnet20-smoke", Network = typeof(ResNet20), Method = "dense", Dataset = "synthetic", Epochs = 2, StepsPerEpoch = 4, BatchSize = 32,
    Description = "dense ResNet-20 on synthetic images, a few steps (smoke test of the whole pipeline)")]
public partial class ResNet20Smoke : ExperimentOptions
{
    public TrainingMethod CreateMethod() => new DenseTraining();
}
