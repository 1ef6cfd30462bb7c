using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Vigil.Analytics.IO;

/// <summary>
/// Reads the text files Vigil is pointed at — the config, the files it names (<c>routing_key_file</c>, secret files,
/// <c>slos.files</c>) and the OpenSLO files of <c>vigil slo</c> — up to <see cref="MaxBytes"/>, and a Loghub
/// <c>formats.json</c> up to its own, lower limit. <c>File.ReadAllText</c> read without bound:
/// <c>routing_key_file: /dev/zero</c> (or any endless or huge file) grew the process past 3 GB.
/// Pipes and devices are still read (<c>--config &lt;(envsubst &lt; vigil.yml.in)</c> is a pipe), just not past the limit.
/// </summary>
public static class BoundedFile
{
    /// <summary>The most bytes read from one file: far above any config or SLO file (a 10,000-route config is under 1 MiB).</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    internal const string MaxText = "16 MiB";

    /// <summary>The file's text (UTF-8 unless a byte order mark says otherwise, as <c>File.ReadAllText</c>).</summary>
    /// <exception cref="IOException">The file cannot be read, or holds more than <see cref="MaxBytes"/>
    /// (<see cref="FileTooLargeException"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static string ReadAllText(string path)
    {
        using var content = Read(path, MaxBytes) ?? throw new FileTooLargeException(path);
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>The file's bytes, or false when it holds more than <paramref name="maxBytes"/> (for a caller that
    /// words that refusal itself).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    internal static bool TryReadAllBytes(string path, int maxBytes, [NotNullWhen(true)] out byte[]? bytes)
    {
        using var content = Read(path, maxBytes);
        bytes = content?.ToArray();
        return bytes is not null;
    }

    /// <summary>The file's content from its start, or null when it holds more than <paramref name="maxBytes"/> (a
    /// <see cref="MemoryStream"/> holds no resource: one given up is not disposed).</summary>
    private static MemoryStream? Read(string path, int maxBytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        if (file.CanSeek && file.Length > maxBytes)
        {
            return null;
        }
        var content = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            int read;
            while ((read = file.Read(chunk)) > 0)
            {
                // Checked on what was read, not the length: a device or pipe has none, and a file may grow meanwhile.
                if (content.Length + read > maxBytes)
                {
                    return null;
                }
                content.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        content.Position = 0;
        return content;
    }
}

/// <summary>A file holds more than <see cref="BoundedFile.MaxBytes"/>; an <see cref="IOException"/>, so it is reported
/// wherever a file that cannot be read is.</summary>
public sealed class FileTooLargeException(string path)
    : IOException($"{path} holds more than {BoundedFile.MaxText}, the most Vigil reads from one file");
