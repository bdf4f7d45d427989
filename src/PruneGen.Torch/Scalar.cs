namespace PruneGen.Torch;

/// <summary>
/// A number passed to a tensor op (TorchSharp's <c>Scalar</c>). Any .NET number converts to it
/// implicitly, so <c>t.add(1)</c>, <c>t.mul(0.5f)</c> and <c>t + 2.0</c> read naturally.
/// </summary>
/// <remarks>
/// Unlike TorchSharp's class this is a small value type: it costs no allocation and no native handle,
/// and integers stay 64-bit exact (they are not squeezed through a double). It crosses the shim as
/// (double, long, kind); see native/ops.h.
/// </remarks>
public readonly struct Scalar : IEquatable<Scalar>
{
    internal readonly double D;
    internal readonly long L;
    internal readonly int K;

    internal const int FloatingKind = 0;
    internal const int IntegralKind = 1;
    internal const int BooleanKind = 2;
    /// <summary>Kind code the shim reads as "argument not given".</summary>
    internal const int AbsentKind = -1;

    private Scalar(double d, long l, int kind)
    {
        D = d;
        L = l;
        K = kind;
    }

    public static implicit operator Scalar(double value) => new(value, 0, FloatingKind);
    public static implicit operator Scalar(float value) => new(value, 0, FloatingKind);
    public static implicit operator Scalar(long value) => new(0, value, IntegralKind);
    public static implicit operator Scalar(int value) => new(0, value, IntegralKind);
    public static implicit operator Scalar(short value) => new(0, value, IntegralKind);
    public static implicit operator Scalar(byte value) => new(0, value, IntegralKind);
    public static implicit operator Scalar(sbyte value) => new(0, value, IntegralKind);
    public static implicit operator Scalar(bool value) => new(0, value ? 1 : 0, BooleanKind);

    public bool IsFloatingPoint => K == FloatingKind;
    public bool IsIntegral => K == IntegralKind;
    public bool IsBoolean => K == BooleanKind;

    public double ToDouble() => K == FloatingKind ? D : L;
    public long ToInt64() => K == FloatingKind ? checked((long)D) : L;
    public bool ToBoolean() => K == FloatingKind ? D != 0 : L != 0;

    public bool Equals(Scalar other) => K == other.K && D.Equals(other.D) && L == other.L;
    public override bool Equals(object? obj) => obj is Scalar s && Equals(s);
    public override int GetHashCode() => HashCode.Combine(D, L, K);
    public static bool operator ==(Scalar left, Scalar right) => left.Equals(right);
    public static bool operator !=(Scalar left, Scalar right) => !left.Equals(right);

    public override string ToString() => K switch
    {
        FloatingKind => D.ToString(System.Globalization.CultureInfo.InvariantCulture),
        BooleanKind => L != 0 ? "true" : "false",
        _ => L.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>TorchSharp's <c>ToScalar()</c> helpers.</summary>
public static class ScalarExtensionMethods
{
    public static Scalar ToScalar(this double value) => value;
    public static Scalar ToScalar(this float value) => value;
    public static Scalar ToScalar(this long value) => value;
    public static Scalar ToScalar(this int value) => value;
    public static Scalar ToScalar(this bool value) => value;
}
