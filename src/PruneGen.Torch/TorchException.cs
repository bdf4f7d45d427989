namespace PruneGen.Torch;

/// <summary>An error raised inside libtorch; the message is libtorch's own (without the C++ backtrace).</summary>
public sealed class TorchException : Exception
{
    public TorchException(string message) : base(message) { }
}
