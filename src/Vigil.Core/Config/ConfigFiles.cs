using Vigil.Analytics.IO;

namespace Vigil.Core.Config;

/// <summary>
/// Reads the config file and the files it names (<c>routing_key_file</c>). Whatever keeps a file from being read is a
/// config error with the file (or the naming node's line): a directory, or a file the server may not read, raises
/// <see cref="UnauthorizedAccessException"/>, not <see cref="IOException"/>, and once escaped as a 500 with a stack
/// trace from <c>/-/reload</c> and an unaudited-reload error on SIGHUP. At most <see cref="BoundedFile.MaxBytes"/> is
/// read from a file (<c>/dev/zero</c> was read until the process was killed).
/// </summary>
internal static class ConfigFiles
{
    /// <exception cref="ConfigException">The file cannot be read, reported at its line 1.</exception>
    public static string ReadConfig(string path)
    {
        if (ReadProblem(path) is { } problem)
        {
            throw new ConfigException([new ConfigError(path, 1, 1, "cannot read the config file: " + problem)]);
        }
        try
        {
            return BoundedFile.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError(path, 1, 1, "cannot read the config file: " + ex.Message)]);
        }
    }

    /// <summary>
    /// The text of a file a setting names, relative to the config file's directory; null with an error at
    /// <paramref name="node"/> when it cannot be read. The path is no secret, so it is named.
    /// </summary>
    public static string? ReadReferenced(YamlReader reader, YamlDotNet.RepresentationModel.YamlNode node, string key, string file, string configFile)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            // "" resolved to the config file's directory, which then could not be read.
            reader.Error(node, $"\"{key}\" is empty; give the path of a file");
            return null;
        }
        if (Resolve(reader, node, key, file, configFile) is not { } path)
        {
            return null;
        }
        if (ReadProblem(path) is { } problem)
        {
            reader.Error(node, $"cannot read {key} \"{Shown(file)}\": {problem}");
            return null;
        }
        try
        {
            return BoundedFile.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            reader.Error(node, $"cannot read {key} \"{Shown(file)}\": {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// The full path of a file a setting names, relative to the config file's directory; null with an error at
    /// <paramref name="node"/> when the text cannot be a path. A NUL character (<c>"a\0b"</c>) made
    /// <see cref="Path.GetFullPath(string, string)"/> throw, and the command exit 1 with .NET's bare "Null character in path.".
    /// </summary>
    public static string? Resolve(YamlReader reader, YamlDotNet.RepresentationModel.YamlNode node, string key, string file, string configFile)
    {
        try
        {
            return Path.GetFullPath(file, Path.GetDirectoryName(Path.GetFullPath(configFile)) ?? ".");
        }
        catch (ArgumentException ex)
        {
            var reason = file.Contains('\0', StringComparison.Ordinal) ? "it contains a NUL character" : ex.Message;
            reader.Error(node, $"{key} \"{Shown(file)}\" is not a valid path: {reason}");
            return null;
        }
    }

    /// <summary>A path as it can be printed: control characters (a NUL ends a C string, an escape sequence steers the
    /// terminal) as escapes.</summary>
    private static string Shown(string path) => string.Concat(path.Select(c => c switch
    {
        '\0' => "\\0",
        _ when char.IsControl(c) => $"\\u{(int)c:X4}",
        _ => c.ToString(),
    }));

    /// <summary>A directory reads as "Access to the path is denied"; say what it is instead.</summary>
    private static string? ReadProblem(string path) => Directory.Exists(path) ? $"{path} is a directory, not a file" : null;
}
