using System.Runtime.InteropServices;

namespace Vigil.Cli;

/// <summary>
/// Which file a path names, as the kernel sees it: its device and inode, so two names of one file (hard links, bind
/// mounts) are found to be the same file. Linux only (64-bit <c>struct stat</c> starts with <c>st_dev</c>, then
/// <c>st_ino</c>, on x86-64 and arm64 alike); elsewhere, or when the call is not available, it is unknown (null).
/// </summary>
internal static class FileIdentity
{
    /// <summary>The (device, inode) of the file <paramref name="path"/> names (following symbolic links), or null when
    /// it does not exist, cannot be examined, or this is not Linux.</summary>
    public static (ulong Device, ulong Inode)? Of(string path)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess || string.IsNullOrEmpty(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }
        var buffer = new byte[256]; // larger than struct stat on every 64-bit Linux (144 bytes on x86-64, 128 on arm64)
        try
        {
            return Stat(path, buffer) == 0
                ? (BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, sizeof(ulong)))
                : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // a C library without a 'stat' symbol (glibc before 2.33 exports only __xstat)
        }
    }

    [DllImport("libc.so.6", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
}
