using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Modules
{
    /// <summary>
    /// Batch normalisation over the channels of a 4-D input. State (PyTorch's names): parameters
    /// weight (ones) and bias (zeros) when affine; buffers running_mean (zeros), running_var (ones)
    /// and num_batches_tracked (int64 scalar) when tracking running statistics.
    /// </summary>
    public partial class BatchNorm2d : nn.Module<Tensor, Tensor>
    {
        private nn.Parameter? _weight;
        private nn.Parameter? _bias;
        private Tensor? _runningMean;
        private Tensor? _runningVar;
        private Tensor? _numBatchesTracked;

        public BatchNorm2d(long num_features, double eps = 1e-5, double momentum = 0.1, bool affine = true,
            bool track_running_stats = true, Device? device = null, ScalarType? dtype = null)
            : base(nameof(BatchNorm2d))
        {
            ModuleTensors.CheckPositive(num_features, nameof(num_features));
            if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive");
            if (momentum is < 0 or > 1 || double.IsNaN(momentum))
                throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be between 0 and 1");
            this.num_features = num_features;
            this.eps = eps;
            this.momentum = momentum;
            this.affine = affine;
            this.track_running_stats = track_running_stats;

            if (affine)
            {
                _weight = ModuleTensors.NewParameter([num_features], device, dtype, w => nn.init.ones_(w));
                _bias = ModuleTensors.NewParameter([num_features], device, dtype, b => nn.init.zeros_(b));
                register_parameter("weight", _weight);
                register_parameter("bias", _bias);
            }
            if (track_running_stats)
            {
                _runningMean = ModuleTensors.Filled([num_features], 0, device, dtype);
                _runningVar = ModuleTensors.Filled([num_features], 1, device, dtype);
                _numBatchesTracked = ModuleTensors.Filled([], 0, device, ScalarType.Int64);
                register_buffer("running_mean", _runningMean);
                register_buffer("running_var", _runningVar);
                register_buffer("num_batches_tracked", _numBatchesTracked);
            }
        }

        public long num_features { get; }
        public double eps { get; set; }
        public double momentum { get; set; }
        public bool affine { get; }
        public bool track_running_stats { get; }

        public nn.Parameter? weight
        {
            get => _weight;
            set { ConditionallyRegisterParameter(nameof(weight), value); _weight = value; }
        }

        public nn.Parameter? bias
        {
            get => _bias;
            set { ConditionallyRegisterParameter(nameof(bias), value); _bias = value; }
        }

        public Tensor? running_mean
        {
            get => _runningMean;
            set { ConditionallyRegisterBuffer(nameof(running_mean), value); _runningMean = value; }
        }

        public Tensor? running_var
        {
            get => _runningVar;
            set { ConditionallyRegisterBuffer(nameof(running_var), value); _runningVar = value; }
        }

        public Tensor? num_batches_tracked
        {
            get => _numBatchesTracked;
            set { ConditionallyRegisterBuffer(nameof(num_batches_tracked), value); _numBatchesTracked = value; }
        }

        public override Tensor forward(Tensor input)
        {
            long dims = input.Dimensions;
            if (dims != 4) throw new ArgumentException($"BatchNorm2d expects a 4-D input (N, C, H, W), got {dims}-D", nameof(input));
            if (training && _numBatchesTracked is not null) _numBatchesTracked.add_(1);
            // As PyTorch: batch statistics in training or when there are no running ones; running
            // statistics are updated only in training.
            bool useBatchStatistics = training || _runningMean is null;
            return nn.functional.batch_norm(input, _runningMean, _runningVar, _weight, _bias, useBatchStatistics, momentum, eps);
        }
    }
}

namespace PruneGen.Torch
{
    using PruneGen.Torch.Modules;

    public static partial class torch
    {
        public static partial class nn
        {
            public static BatchNorm2d BatchNorm2d(long features, double eps = 1e-05, double momentum = 0.1, bool affine = true,
                bool track_running_stats = true, Device? device = null, ScalarType? dtype = null) =>
                new(features, eps, momentum, affine, track_running_stats, device, dtype);
        }
    }
}
