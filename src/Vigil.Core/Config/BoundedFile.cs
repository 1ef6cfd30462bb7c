using System.Buffers;
using System.Text;

namespace Vigil.Core.Config;

/// <summary>
/// Reads the text files Vigil is pointed at — the config, the files it names (<c>routing_key_file</c>, secret files,
/// <c>slos.files</c>) and the OpenSLO files of <c>vigil slo</c> — up to <see cref="MaxBytes"/>. <c>File.ReadAllText</c>
/// read without bound: <c>routing_key_file: /dev/zero</c> (or any endless or huge file) grew the process past 3 GB.
/// Pipes and devices are still read (<c>--config &lt;(envsubst &lt; vigil.yml.in)</c> is a pipe), just not past the limit.
/// </summary>
internal static class BoundedFile
{
    /// <summary>The most bytes read from one file: far above any config or SLO file (a 10,000-route config is under 1 MiB).</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    public const string MaxText = "16 MiB";

    /// <summary>The file's text (UTF-8 unless a byte order mark says otherwise, as <c>File.ReadAllText</c>).</summary>
    /// <exception cref="IOException">The file cannot be read, or holds more than <see cref="MaxBytes"/>
    /// (<see cref="FileTooLargeException"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static string ReadAllText(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        if (file.CanSeek && file.Length > MaxBytes)
        {
            throw new FileTooLargeException(path);
        }
        using var content = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            int read;
            while ((read = file.Read(chunk)) > 0)
            {
                // Checked on what was read, not the length: a device or pipe has none, and a file may grow meanwhile.
                if (content.Length + read > MaxBytes)
                {
                    throw new FileTooLargeException(path);
                }
                content.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        content.Position = 0;
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}

/// <summary>A file holds more than <see cref="BoundedFile.MaxBytes"/>; an <see cref="IOException"/>, so it is reported
/// wherever a file that cannot be read is.</summary>
public sealed class FileTooLargeException(string path)
    : IOException($"{path} holds more than {BoundedFile.MaxText}, the most Vigil reads from one file");
