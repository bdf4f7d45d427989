using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// A trainable tensor owned by a module. It shares storage with the tensor it was made from,
        /// is a leaf that records gradients, and never belongs to a dispose scope: its module owns it.
        /// </summary>
        public sealed class Parameter : Tensor
        {
            public Parameter(Tensor data, bool requires_grad = true)
                : base(pg_tensor_detach(data.Handle))
            {
                GC.KeepAlive(data); // a temporary `data` must not be finalized while the shim detaches it
                DetachFromDisposeScope();
                this.requires_grad = requires_grad;
            }
        }
    }
}
