namespace PruneGen.Generators;

/// <summary>Metadata names of the runtime types the generator recognises (matched by name, never loaded).</summary>
internal static class KnownNames
{
    public const string NetworkAttribute = "PruneGen.NetworkAttribute";
    public const string BlockAttribute = "PruneGen.BlockAttribute";
    public const string ConvAttribute = "PruneGen.ConvAttribute";
    public const string StageAttribute = "PruneGen.StageAttribute";
    public const string PoolAttribute = "PruneGen.PoolAttribute";
    public const string LinearAttribute = "PruneGen.LinearAttribute";
    public const string ClassifierAttribute = "PruneGen.ClassifierAttribute";
    public const string PruneAttribute = "PruneGen.PruneAttribute";
    public const string RemovableBlocksAttribute = "PruneGen.RemovableBlocksAttribute";
    public const string FrozenAttribute = "PruneGen.FrozenAttribute";
    public const string ExperimentAttribute = "PruneGen.ExperimentAttribute";
    public const string OptionAttribute = "PruneGen.OptionAttribute";
    public const string OptionDefaultAttribute = "PruneGen.OptionDefaultAttribute";

    public const string LayersNamespace = "PruneGen.Layers";
    public const string ConvBn = "PruneGen.Layers.ConvBn";
    public const string ConvBnRelu = "PruneGen.Layers.ConvBnRelu";
    public const string BasicStage = "PruneGen.Layers.BasicStage";
    public const string BottleneckStage = "PruneGen.Layers.BottleneckStage";
    public const string GenericStage = "PruneGen.Layers.Stage`1";
    public const string MaxPool = "PruneGen.Layers.MaxPool";
    public const string AvgPool = "PruneGen.Layers.AvgPool";
    public const string GlobalAvgPool = "PruneGen.Layers.GlobalAvgPool";
    public const string LinearRelu = "PruneGen.Layers.LinearRelu";
    public const string Head = "PruneGen.Layers.Head";

    public const string LayerTypeList = "ConvBn, ConvBnRelu, BasicStage, BottleneckStage, Stage<TBlock>, MaxPool, AvgPool, GlobalAvgPool, LinearRelu or Head";
}
