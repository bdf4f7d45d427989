using System.Runtime.InteropServices;

namespace PruneGen.Training;

/// <summary>
/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a stop request: the trainer finishes the current
/// step, writes a checkpoint and returns <see cref="TrainingStatus.Interrupted"/>. A second Ctrl-C is
/// left to the default handler, which ends the process at once (the last checkpoint still stands).
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly Action<string>? _notify;

    public StopSignal(Action<string>? notify = null)
    {
        _notify = notify;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>Requests a stop as the signal would (for tests and programmatic stops).</summary>
    public void Request() => _stop.Cancel();

    private void Handle(PosixSignalContext context)
    {
        if (_stop.IsCancellationRequested) return; // second signal: default behaviour, the process ends
        context.Cancel = true;
        _notify?.Invoke($"{context.Signal}: stopping after the current step and writing a checkpoint (press Ctrl-C again to abort at once)");
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
