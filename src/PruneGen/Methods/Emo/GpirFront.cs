namespace PruneGen.Methods.Emo;

/// <summary>
/// One member of a sub-network's Pareto front as global performance impairment ranking sees it.
/// </summary>
/// <param name="Impairment">Delta_kj = err_k(member) - err_k(dense): how much worse the sub-network scores (by its detector, or with the dense tail) than unpruned (may be negative).</param>
/// <param name="GainMacs">c_kj: MACs this member removes from the whole network (exact integer count).</param>
public readonly record struct GpirMember(double Impairment, long GainMacs);

/// <summary>A sub-network's candidate prunings: its Pareto front, as impairments and MAC gains.</summary>
public sealed class GpirFront
{
    /// <param name="name">Sub-network name, used in messages.</param>
    /// <param name="subNetworkMacs">MACs of the unpruned sub-network (a member's pruning ratio is its gain over this).</param>
    /// <param name="members">At least one member; the unpruned sub-network (gain 0) is normally among them.</param>
    public GpirFront(string name, long subNetworkMacs, IReadOnlyList<GpirMember> members)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(members);
        if (subNetworkMacs <= 0)
            throw new ArgumentOutOfRangeException(nameof(subNetworkMacs), subNetworkMacs, $"sub-network '{name}': MACs must be positive");
        if (members.Count == 0)
            throw new ArgumentException($"sub-network '{name}' has an empty front; GPIR needs at least one member per sub-network", nameof(members));
        for (int j = 0; j < members.Count; j++)
        {
            GpirMember m = members[j];
            if (!double.IsFinite(m.Impairment))
                throw new ArgumentException($"sub-network '{name}', member {j}: impairment {m.Impairment} is not a finite number", nameof(members));
            if (m.GainMacs < 0 || m.GainMacs > subNetworkMacs)
                throw new ArgumentException($"sub-network '{name}', member {j}: gain {m.GainMacs} MACs lies outside [0, {subNetworkMacs}] (the sub-network's MACs)", nameof(members));
        }
        (Name, SubNetworkMacs, Members) = (name, subNetworkMacs, members.ToArray());
    }

    public string Name { get; }
    public long SubNetworkMacs { get; }
    public IReadOnlyList<GpirMember> Members { get; }

    /// <summary>Fraction of this sub-network's MACs that member <paramref name="j"/> removes.</summary>
    public double PruningRatio(int j) => (double)Members[j].GainMacs / SubNetworkMacs;
}

/// <summary>One member per sub-network, with the sums GPIR optimises.</summary>
/// <param name="MemberIndices">Index into each front's members, in sub-network order.</param>
public sealed record GpirChoice(IReadOnlyList<int> MemberIndices, double TotalImpairment, long TotalGainMacs);

/// <summary>The required gain exceeds what the fronts can remove, even with every sub-network at its largest gain.</summary>
public sealed class InfeasibleGainException(long requiredGainMacs, long maxReachableGainMacs)
    : ArgumentException($"GPIR: the required gain R* = {requiredGainMacs} MACs cannot be reached; the maximum reachable gain " +
                        $"is {maxReachableGainMacs} MACs (every sub-network at its front's largest-gain member)")
{
    public long RequiredGainMacs { get; } = requiredGainMacs;
    public long MaxReachableGainMacs { get; } = maxReachableGainMacs;
}
