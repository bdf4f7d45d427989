using BatchNorm2d = PruneGen.Torch.Modules.BatchNorm2d;
using static PruneGen.Torch.torch;

namespace PruneGen.Training;

/// <summary>
/// Re-estimates every BatchNorm's running statistics of a network from scratch on given inputs, as a
/// cumulative average over the batches (momentum 1/k at the k-th), without gradients. A pruned or
/// gated network's activations no longer have the statistics its BatchNorm layers gathered before,
/// so its evaluation-mode outputs are off until they are re-estimated; weights are not touched.
/// </summary>
public static class BatchNormRecalibration
{
    /// <summary>Runs <paramref name="module"/> in training mode on each input batch; restores the module's mode and momenta after. Returns the batches seen.</summary>
    public static int Run(nn.Module<Tensor, Tensor> module, IEnumerable<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Run(module, inputs, x => module.call(x));
    }

    /// <summary>
    /// As <see cref="Run(nn.Module{Tensor, Tensor}, IEnumerable{Tensor})"/>, with <paramref name="forward"/>
    /// running part of <paramref name="module"/> (e.g. one sub-network on the features at its cut).
    /// BatchNorms the forward does not reach keep their statistics.
    /// </summary>
    public static int Run(nn.Module module, IEnumerable<Tensor> inputs, Func<Tensor, Tensor> forward)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(forward);
        BatchNorm2d[] norms = module.modules().OfType<BatchNorm2d>().Where(n => n.track_running_stats).ToArray();
        if (norms.Length == 0) return 0;
        double[] momenta = norms.Select(n => n.momentum).ToArray();
        bool training = module.training;
        int seen = 0;
        try
        {
            // No reset: the first batch's momentum of 1 replaces a reached BatchNorm's statistics outright.
            using var noGrad = no_grad();
            module.train();
            foreach (Tensor input in inputs)
            {
                using var scope = NewDisposeScope();
                seen++;
                foreach (BatchNorm2d norm in norms) norm.momentum = 1.0 / seen;
                forward(input);
            }
        }
        finally
        {
            for (int i = 0; i < norms.Length; i++) norms[i].momentum = momenta[i];
            module.train(training);
        }
        return seen;
    }
}
