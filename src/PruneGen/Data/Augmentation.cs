namespace PruneGen.Data;

/// <summary>
/// Training-time augmentation, as torchvision's <c>RandomCrop(size, padding)</c> followed by
/// <c>RandomHorizontalFlip()</c>: the image is zero-padded by <see cref="Padding"/> pixels on every
/// side (zero in raw pixel values, i.e. before normalisation), a window of the original size is cut
/// at a uniformly random offset, and with probability 1/2 it is mirrored left to right.
/// </summary>
/// <param name="Padding">Zero padding per side for the random crop; 0 disables cropping.</param>
/// <param name="HorizontalFlip">Mirror each image left-right with probability 1/2.</param>
public sealed record Augmentation(int Padding = 0, bool HorizontalFlip = false)
{
    /// <summary>The usual CIFAR / Fashion-MNIST recipe: pad 4, crop, flip.</summary>
    public static Augmentation CropAndFlip(int padding = 4) => new(padding, HorizontalFlip: true);

    public bool IsIdentity => Padding == 0 && !HorizontalFlip;
}
