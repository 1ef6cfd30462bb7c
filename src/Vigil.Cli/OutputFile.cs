using System.Text;

namespace Vigil.Cli;

/// <summary>
/// Files the offline commands write (<c>metrics detect -o</c>, <c>logs mine --structured</c>, <c>logs bench --keep</c>):
/// a path that cannot be written is a usage error, "cannot write PATH: reason" (exit 2). It was the bare .NET message
/// ("Access to the path '/tmp' is denied.", "Could not find a part of the path …") and exit 1.
/// </summary>
internal static class OutputFile
{
    /// <summary>
    /// Creates or truncates <paramref name="path"/> for UTF-8 text (no BOM). Failing to open it, or to write to it later
    /// (a full disk, <c>/dev/full</c>), is a <see cref="UsageException"/> naming the path.
    /// </summary>
    public static StreamWriter Create(string path, int bufferSize = 1 << 16)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException("cannot write '': the output path is empty");
        }
        if (Directory.Exists(path))
        {
            throw new UsageException($"cannot write {path}: it is a directory");
        }
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"cannot write {path}: {Reason(path, ex)}");
        }
        return new StreamWriter(new WriteFailures(file, path), new UTF8Encoding(false), bufferSize);
    }

    /// <summary>
    /// Refuses an output path that names the input file: opening it for writing truncates the input before it is read
    /// (<c>logs mine --structured</c>), or overwrites it with what was made of it (<c>metrics detect -o</c>). The same
    /// file is the same full path once symbolic links are followed, in any component, or (on Linux) the same device and
    /// inode, which also catches a hard link or a bind mount of the input.
    /// </summary>
    /// <param name="option">The option naming the output, for the message (<c>-o</c>, <c>--structured</c>).</param>
    public static void RefuseTheInput(string outputPath, string inputPath, string option)
    {
        if (inputPath == "-" || string.IsNullOrWhiteSpace(outputPath) || string.IsNullOrWhiteSpace(inputPath))
        {
            return; // standard input cannot be overwritten; an empty path is refused when it is opened
        }
        // Case-insensitive file systems are the rule on Windows and macOS: there "A.csv" is "a.csv".
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (string.Equals(Resolved(outputPath), Resolved(inputPath), comparison)
            || (FileIdentity.Of(outputPath) is { } output && FileIdentity.Of(inputPath) == output))
        {
            throw new UsageException($"{option} {outputPath} is the input file; write it elsewhere");
        }
    }

    /// <summary>
    /// The full path with every symbolic link in it followed (as <c>realpath</c>, up to 40 links, as Linux allows), as
    /// far as it exists; on an error, the full path as written.
    /// </summary>
    private static string Resolved(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var links = 0;
            var resolved = Path.GetPathRoot(full)!;
            var rest = new Queue<string>(full[resolved.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
            while (rest.TryDequeue(out var part))
            {
                var next = Path.Combine(resolved, part);
                if (new FileInfo(next).LinkTarget is { } target && ++links <= 40)
                {
                    // Resolve the link's target from where the link is, then go on with what followed the link.
                    var targetFull = Path.GetFullPath(target, resolved);
                    resolved = Path.GetPathRoot(targetFull)!;
                    rest = new Queue<string>(targetFull[resolved.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                    continue;
                }
                resolved = next;
            }
            return resolved;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return full;
        }
    }

    private static string Reason(string path, Exception ex) => ex switch
    {
        DirectoryNotFoundException => $"no such directory {Path.GetDirectoryName(Path.GetFullPath(path))}",
        UnauthorizedAccessException => "permission denied",
        _ => ex.Message,
    };

    /// <summary>Reports a failed write as the usage error it is (the disk of the path the user chose is full).</summary>
    private sealed class WriteFailures(FileStream inner, string path) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Guard(() => inner.Write(buffer, offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                inner.Write(buffer);
            }
            catch (IOException ex)
            {
                throw Failed(ex);
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw Failed(ex);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => Guard(inner.Flush);

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            try
            {
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw Failed(ex);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Guard(inner.Dispose);
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw Failed(ex);
            }
            await base.DisposeAsync().ConfigureAwait(false);
        }

        private void Guard(Action write)
        {
            try
            {
                write();
            }
            catch (IOException ex)
            {
                throw Failed(ex);
            }
        }

        private UsageException Failed(IOException ex) => new($"cannot write {path}: {ex.Message}");
    }
}
