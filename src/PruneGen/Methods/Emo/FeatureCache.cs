using PruneGen.Data;
using PruneGen.Structure;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Emo;

/// <summary>
/// The dense network's features at every cut of a <see cref="SubNetworkSplit"/> for a calibration
/// subset, kept in batches: F_0 is the input, F_k the output of sub-network k (k = 1..K). Computed
/// once in evaluation mode; the tensors are read (never written) by the searches' threads.
/// </summary>
public sealed class FeatureCache : IDisposable
{
    private readonly Tensor[][] _features;
    private readonly Tensor[] _labels;

    private FeatureCache(Tensor[][] features, Tensor[] labels, long count)
    {
        _features = features;
        _labels = labels;
        Count = count;
    }

    /// <summary>Images in the calibration subset.</summary>
    public long Count { get; }

    /// <summary>Number of cached batches.</summary>
    public int Batches => _labels.Length;

    /// <summary>Number of cuts cached (K + 1, or 1 for inputs only).</summary>
    public int Cuts => _features.Length;

    /// <summary>Batch <paramref name="batch"/> of F_<paramref name="cut"/>.</summary>
    public Tensor Feature(int cut, int batch) => _features[cut][batch];

    /// <summary>The features at <paramref name="cut"/>, batch by batch (cut 0: the images).</summary>
    public IEnumerable<Tensor> Features(int cut) => _features[cut];

    public Tensor Labels(int batch) => _labels[batch];

    /// <summary>Runs the network's members cut by cut over every batch of <paramref name="data"/> (epoch 0's order).</summary>
    /// <param name="memoryFormat">Layout of the 4-D features (channels-last matches a network trained in it: faster convolutions on CPU).</param>
    /// <param name="inputsOnly">Keep F_0 and the labels only (for scoring whole networks); no forward pass is made.</param>
    public static FeatureCache Build(IPrunableNetwork network, SubNetworkSplit split, DataLoader data, MemoryFormat memoryFormat = MemoryFormat.Contiguous,
        bool inputsOnly = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(data);
        var module = (nn.Module<Tensor, Tensor>)network;
        bool wasTraining = module.training;
        var features = Enumerable.Range(0, inputsOnly ? 1 : split.Parts.Count + 1).Select(_ => new List<Tensor>()).ToArray();
        var labels = new List<Tensor>();
        long count = 0;
        module.eval();
        try
        {
            using var noGrad = no_grad();
            foreach (Batch batch in data.Epoch(0))
            {
                using var scope = NewDisposeScope();
                Tensor x = Laid(batch.Images, memoryFormat);
                features[0].Add(x.detach().DetachFromDisposeScope());
                network.Gates.BeginForward(x);
                for (int k = 0; k < features.Length - 1; k++)
                {
                    foreach (int member in split.Parts[k].Members) x = network.ForwardMember(member, x);
                    features[k + 1].Add(Laid(x, memoryFormat).DetachFromDisposeScope());
                }
                labels.Add(batch.Labels.alias().DetachFromDisposeScope());
                count += batch.Count;
            }
        }
        catch
        {
            foreach (Tensor t in features.SelectMany(f => f).Concat(labels)) t.Dispose();
            throw;
        }
        finally
        {
            module.train(wasTraining);
        }
        if (count == 0) throw new ArgumentException($"the calibration set '{data.Dataset.Name}' has no image", nameof(data));
        return new FeatureCache(features.Select(f => f.ToArray()).ToArray(), labels.ToArray(), count);
    }

    /// <summary>
    /// A new cache with this one's labels and features (copied), except the cuts in
    /// <paramref name="replaced"/>, whose batch b is <c>replaced[cut](b)</c> (a new tensor the copy takes
    /// over, of the same shape). The copy owns its tensors; dispose both.
    /// </summary>
    public FeatureCache WithCuts(IReadOnlyDictionary<int, Func<int, Tensor>> replaced)
    {
        ArgumentNullException.ThrowIfNull(replaced);
        var features = new Tensor[Cuts][];
        var labels = new List<Tensor>();
        try
        {
            using var noGrad = no_grad();
            for (int cut = 0; cut < Cuts; cut++)
            {
                features[cut] = new Tensor[Batches];
                for (int b = 0; b < Batches; b++)
                {
                    Tensor feature = replaced.TryGetValue(cut, out Func<int, Tensor>? replace) ? replace(b) : _features[cut][b].clone();
                    features[cut][b] = feature.DetachFromDisposeScope();
                    if (!feature.shape.SequenceEqual(_features[cut][b].shape))
                        throw new ArgumentException($"the replacement of cut {cut}, batch {b} has shape [{string.Join(", ", feature.shape)}], not the cached [{string.Join(", ", _features[cut][b].shape)}]", nameof(replaced));
                }
            }
            labels.AddRange(_labels.Select(l => l.clone().DetachFromDisposeScope()));
        }
        catch
        {
            foreach (Tensor t in features.Where(f => f is not null).SelectMany(f => f).Where(t => t is not null).Concat(labels)) t.Dispose();
            throw;
        }
        return new FeatureCache(features, labels.ToArray(), Count);
    }

    private static Tensor Laid(Tensor x, MemoryFormat format) =>
        x.dim() == 4 && format != MemoryFormat.Contiguous ? x.contiguous(format) : x.contiguous();

    public void Dispose()
    {
        foreach (Tensor t in _features.SelectMany(f => f).Concat(_labels)) t.Dispose();
    }
}
