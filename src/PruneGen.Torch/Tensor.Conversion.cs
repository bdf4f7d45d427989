using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        // Conversions return this tensor's data (a new handle, no copy) when nothing changes, unless
        // copy is true, as libtorch does. Gradients flow through dtype and device conversions.

        /// <summary>This tensor with element type <paramref name="type"/>.</summary>
        public Tensor to_type(ScalarType type, bool copy = false) => To(DTypeCode(type), null, copy, -1);

        public Tensor to(ScalarType type, bool copy = false) => to_type(type, copy);

        public Tensor type(ScalarType type, bool copy = false) => to_type(type, copy);

        public Tensor type_as(Tensor other) => to_type(other.dtype);

        public Tensor to(Device device, bool copy = false) => To(-1, device ?? throw new ArgumentNullException(nameof(device)), copy, -1);

        public Tensor to(DeviceType deviceType, int deviceIndex = -1, bool copy = false) => To(-1, new Device(deviceType, deviceIndex), copy, -1);

        public Tensor to(string device) => to(torch.device(device));

        public Tensor to(ScalarType type, Device device, bool copy = false) =>
            To(DTypeCode(type), device ?? throw new ArgumentNullException(nameof(device)), copy, -1);

        /// <summary>This tensor on <paramref name="other"/>'s device (and with its dtype).</summary>
        public Tensor to(Tensor other) => To(DTypeCode(other.dtype), other.device, false, -1);

        /// <summary>This tensor in another memory layout (e.g. channels-last for NHWC convolutions).</summary>
        public Tensor to(MemoryFormat memory_format) => To(-1, null, false, MemoryFormatCode(memory_format));

        public Tensor cpu() => To(-1, CPU, false, -1);

        public Tensor cuda() => To(-1, CUDA, false, -1);

        public Tensor cuda(int device_index) => To(-1, new Device(DeviceType.CUDA, device_index), false, -1);

        private Tensor To(int dtype, Device? device, bool copy, int memoryFormat)
        {
            var (devType, devIndex) = DeviceCode(device);
            return Result(pg_to(Handle, dtype, devType, devIndex, 0, copy ? 1 : 0, memoryFormat), this);
        }

        // TorchSharp's element-type shorthands.
        public Tensor @float() => to_type(ScalarType.Float32);
        public Tensor @double() => to_type(ScalarType.Float64);
        public Tensor half() => to_type(ScalarType.Float16);
        public Tensor bfloat16() => to_type(ScalarType.BFloat16);
        public Tensor @long() => to_type(ScalarType.Int64);
        public Tensor @int() => to_type(ScalarType.Int32);
        public Tensor @short() => to_type(ScalarType.Int16);
        public Tensor @byte() => to_type(ScalarType.Byte);
        public Tensor @char() => to_type(ScalarType.Int8);
        public Tensor @bool() => to_type(ScalarType.Bool);
    }
}
