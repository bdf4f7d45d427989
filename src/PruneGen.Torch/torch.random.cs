using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    /// <summary>The default CPU generator (TorchSharp's <c>torch.random</c>).</summary>
    public static partial class random
    {
        /// <summary>
        /// Seeds the default generator. TorchSharp returns a <c>Generator</c> object here; PruneGen has no
        /// generator objects yet, so this returns nothing.
        /// </summary>
        public static void manual_seed(long seed) => torch.manual_seed(seed);

        /// <summary>The seed the default generator was last seeded with.</summary>
        public static unsafe long initial_seed()
        {
            ulong seed;
            Check(pg_random_initial_seed(&seed));
            return unchecked((long)seed);
        }

        /// <summary>The default generator's state as a 1-D uint8 tensor (a copy).</summary>
        public static Tensor get_rng_state() => new(pg_random_get_rng_state());

        /// <summary>Restores a state returned by <see cref="get_rng_state"/>; anything else is rejected with libtorch's message.</summary>
        public static void set_rng_state(Tensor new_state)
        {
            ArgumentNullException.ThrowIfNull(new_state);
            if (new_state.dtype != ScalarType.Byte)
                throw new ArgumentException($"an RNG state is a uint8 tensor, not {new_state.dtype}", nameof(new_state));
            Check(pg_random_set_rng_state(new_state.Handle));
        }
    }
}
