using PruneGen.Torch;

namespace PruneGen.Data;

/// <summary>
/// One mini-batch: images [B, C, H, W] float32 and labels [B] int64, plus where it sits in the run.
/// The tensors belong to the caller: they join the dispose scope that is current on the thread that
/// enumerates the loader, or are disposed with <see cref="Dispose"/>.
/// </summary>
public readonly record struct Batch(torch.Tensor Images, torch.Tensor Labels, int Epoch, int Index, int Count) : IDisposable
{
    public void Deconstruct(out torch.Tensor images, out torch.Tensor labels)
    {
        images = Images;
        labels = Labels;
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
