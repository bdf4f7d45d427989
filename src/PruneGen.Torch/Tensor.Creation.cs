using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        // ---- *_like: this tensor's shape; its dtype and device unless given -------------------

        public Tensor zeros_like(ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var (devType, devIndex) = DeviceCode(device);
            return Result(pg_zeros_like(Handle, DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0), this);
        }

        public Tensor ones_like(ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var (devType, devIndex) = DeviceCode(device);
            return Result(pg_ones_like(Handle, DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0), this);
        }

        public Tensor empty_like(ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var (devType, devIndex) = DeviceCode(device);
            return Result(pg_empty_like(Handle, DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0), this);
        }

        public Tensor full_like(Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var (devType, devIndex) = DeviceCode(device);
            return Result(pg_full_like(Handle, value.D, value.L, value.K, DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0), this);
        }

        public Tensor rand_like(ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var (devType, devIndex) = DeviceCode(device);
            return Result(pg_rand_like(Handle, DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0), this);
        }

        public Tensor randn_like(ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var (devType, devIndex) = DeviceCode(device);
            return Result(pg_randn_like(Handle, DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0), this);
        }

        public Tensor randint_like(long low, long high, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
        {
            var (devType, devIndex) = DeviceCode(device);
            return Result(pg_randint_like(Handle, low, high, DTypeCode(dtype), devType, devIndex, requires_grad ? 1 : 0), this);
        }

        // ---- random sampling ----------------------------------------------------------------

        /// <summary>Draws 0 or 1 per element with this tensor's values as probabilities of 1 (same shape and dtype).</summary>
        public Tensor bernoulli() => Result(pg_bernoulli(Handle), this);

        /// <summary>Fills this tensor in place with 0/1 draws that are 1 with probability <paramref name="p"/>.</summary>
        public Tensor bernoulli_(double p = 0.5) => InPlace(pg_bernoulli_(Handle, p));

        /// <summary>Fills this tensor in place with 0/1 draws, 1 with the per-element probability in <paramref name="p"/>.</summary>
        public Tensor bernoulli_(Tensor p) => InPlace(pg_bernoulli_tensor_(Handle, p.Handle), p);

        public Tensor uniform_(double from = 0, double to = 1) => InPlace(pg_uniform_(Handle, from, to));

        public Tensor normal_(double mean = 0, double std = 1) => InPlace(pg_normal_(Handle, mean, std));

        /// <summary>Fills in place with integers drawn uniformly from [<paramref name="from"/>, <paramref name="to"/>).</summary>
        public Tensor random_(long from, long to) => InPlace(pg_random_(Handle, from, to));
    }
}
