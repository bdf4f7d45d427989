using System;
using System.Runtime.InteropServices;

namespace PruneGen.Build.Native;

/// <summary>
/// The canonical form of a path, symbolic links resolved (libc realpath); netstandard2.0 has no
/// managed equivalent. Falls back to the path as given when it cannot be resolved.
/// </summary>
internal static class RealPath
{
    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static extern IntPtr NativeRealPath(byte[] nulTerminatedUtf8Path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);

    public static string Resolve(string path)
    {
        try
        {
            IntPtr resolved = NativeRealPath(System.Text.Encoding.UTF8.GetBytes(path + "\0"), IntPtr.Zero);
            if (resolved == IntPtr.Zero) return path;
            try { return PtrToUtf8(resolved); }
            finally { Free(resolved); }
        }
        catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
        {
            return path;
        }
    }

    private static string PtrToUtf8(IntPtr text)
    {
        int length = 0;
        while (Marshal.ReadByte(text, length) != 0) length++;
        byte[] bytes = new byte[length];
        Marshal.Copy(text, bytes, 0, length);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
