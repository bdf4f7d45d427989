using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Training;

/// <summary>
/// Carries an optimizer's per-parameter state (SGD momentum, Adam moments) across physical slimming:
/// the state of a kept channel is the state it had in the wide network, exactly as if the network had
/// been trained masked. Parameter-shaped state is slimmed by the network's own <c>Slim</c> (so it
/// follows every group's index set, streams included); other state (Adam's step count) is copied.
/// </summary>
public sealed class SlimmedOptimizerState : IDisposable
{
    private readonly Dictionary<string, Dictionary<string, Tensor>> _state;

    private SlimmedOptimizerState(Dictionary<string, Dictionary<string, Tensor>> state) => _state = state;

    /// <summary>Parameters (by state-dict name) that had state.</summary>
    public int Count => _state.Count;

    /// <summary>
    /// Reads <paramref name="optimizer"/>'s state for <paramref name="network"/>'s parameters and slims it
    /// with <paramref name="masks"/>. The network's parameter values are borrowed for this and restored.
    /// </summary>
    public static SlimmedOptimizerState Capture(optim.Optimizer optimizer, IPrunableNetwork network, PruneMasks masks)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(masks);
        if (network is not nn.Module module) throw new ArgumentException($"{network.GetType().Name} is not an nn.Module", nameof(network));
        using var scope = NewDisposeScope(); // intermediates; what is kept is detached from it

        var parameters = module.named_parameters().ToList();
        var wide = new Dictionary<string, IReadOnlyDictionary<string, Tensor>>();
        var result = new Dictionary<string, Dictionary<string, Tensor>>();
        try
        {
            // Only what the optimizer manages has state (a method may optimize some parameters apart, e.g. gate θ).
            var managed = optimizer.parameters().ToHashSet<nn.Parameter>(ReferenceEqualityComparer.Instance);
            foreach ((string name, nn.Parameter p) in parameters)
            {
                if (!managed.Contains(p)) continue;
                IReadOnlyDictionary<string, Tensor> state = optimizer.GetState(p);
                if (state.Count > 0) wide[name] = state;
            }
            if (wide.Count == 0) return new SlimmedOptimizerState(result);

            var keys = wide.Values.SelectMany(s => s.Keys).Distinct().ToArray();
            // Back up the values: slimming a state key means writing it into the parameters for a moment.
            var backup = parameters.ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
            try
            {
                foreach (string key in keys)
                {
                    var shaped = wide.Where(e => e.Value.TryGetValue(key, out Tensor? t) && t.shape.SequenceEqual(parameters.First(p => p.name == e.Key).parameter.shape))
                        .Select(e => e.Key).ToHashSet();
                    foreach ((string name, IReadOnlyDictionary<string, Tensor> state) in wide)
                    {
                        if (shaped.Contains(name) || !state.TryGetValue(key, out Tensor? value)) continue;
                        Add(result, name, key, value.clone()); // not parameter-shaped: copied as it is
                    }
                    if (shaped.Count == 0) continue;
                    using (no_grad())
                        foreach ((string name, nn.Parameter p) in parameters)
                            if (shaped.Contains(name)) p.copy_(wide[name][key]);
                    IPrunableNetwork slim = network.Slim(masks);
                    using var slimModule = (nn.Module)slim;
                    foreach ((string name, nn.Parameter p) in slimModule.named_parameters())
                        if (shaped.Contains(name)) Add(result, name, key, p.detach().clone());
                }
            }
            finally
            {
                using (no_grad())
                    foreach ((string name, nn.Parameter p) in parameters) p.copy_(backup[name]);
                foreach (Tensor t in backup.Values) t.Dispose();
            }
            return new SlimmedOptimizerState(result);
        }
        catch
        {
            foreach (Tensor t in result.Values.SelectMany(s => s.Values)) t.Dispose();
            throw;
        }
        finally
        {
            foreach (Tensor t in wide.Values.SelectMany(s => s.Values)) t.Dispose();
        }
    }

    /// <summary>Sets the captured state on the same-named parameters of <paramref name="module"/> (the slim network) in <paramref name="optimizer"/>.</summary>
    /// <returns>How many parameters received state.</returns>
    public int ApplyTo(optim.Optimizer optimizer, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(module);
        int applied = 0;
        var managed = optimizer.parameters().ToHashSet<nn.Parameter>(ReferenceEqualityComparer.Instance);
        foreach ((string name, nn.Parameter p) in module.named_parameters())
        {
            if (!managed.Contains(p) || !_state.TryGetValue(name, out Dictionary<string, Tensor>? state)) continue;
            optimizer.SetState(p, state);
            applied++;
        }
        return applied;
    }

    private static void Add(Dictionary<string, Dictionary<string, Tensor>> result, string name, string key, Tensor value)
    {
        value.DetachFromDisposeScope();
        if (!result.TryGetValue(name, out Dictionary<string, Tensor>? state)) result[name] = state = new Dictionary<string, Tensor>();
        state[key] = value;
    }

    public void Dispose()
    {
        foreach (Tensor t in _state.Values.SelectMany(s => s.Values)) t.Dispose();
        _state.Clear();
    }
}
