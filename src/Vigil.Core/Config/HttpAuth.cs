using Vigil.Analytics.IO;

namespace Vigil.Core.Config;

/// <summary>
/// A secret from the config: written inline, or the path of a file holding it (<c>*_file</c>, relative to the config
/// file), which is read each time the secret is used, as Prometheus and Alertmanager do, so a rotated file is picked up
/// without a reload. The file's content is trimmed (a trailing newline is not part of a password).
/// </summary>
public sealed record SecretSource(string? Value, string? File)
{
    public static SecretSource Inline(string value) => new(value, null);

    public static SecretSource FromFile(string path) => new(null, path);

    /// <exception cref="SecretFileException">The file cannot be read.</exception>
    public string Read()
    {
        if (Value is not null)
        {
            return Value;
        }
        try
        {
            return BoundedFile.ReadAllText(File!).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The path is not a secret; naming it is what lets the operator fix it.
            throw new SecretFileException($"cannot read secret file {File}: {ex.Message}", ex);
        }
    }

    /// <summary>The secret, or null when its file cannot be read (for redaction, which must not fail).</summary>
    public string? TryRead()
    {
        try
        {
            return Read();
        }
        catch (SecretFileException)
        {
            return null;
        }
    }

    public override string ToString() => File is null ? "<secret>" : $"<secret in {File}>";
}

/// <summary>A <see cref="SecretSource"/> file that could not be read when the secret was needed.</summary>
public sealed class SecretFileException(string message, Exception inner) : Exception(message, inner);

/// <summary>How an HTTP integration or a Prometheus source authenticates (<c>http_config</c>): one of the forms below,
/// or none.</summary>
public abstract record HttpAuth
{
    /// <summary>The <c>Authorization</c> header's scheme and parameter, its secret file read now (so a rotated secret
    /// is used without a reload).</summary>
    /// <exception cref="SecretFileException">The secret's file cannot be read.</exception>
    public abstract (string Scheme, string Parameter) Header();

    /// <summary><see cref="Header"/> as the request header every HTTP sender sets.</summary>
    /// <exception cref="SecretFileException">The secret's file cannot be read.</exception>
    public System.Net.Http.Headers.AuthenticationHeaderValue AuthorizationHeader()
    {
        var (scheme, parameter) = Header();
        return new(scheme, parameter);
    }
}

/// <summary><c>authorization: {type, credentials | credentials_file}</c> or the older <c>bearer_token(_file)</c>:
/// <c>Authorization: Type credentials</c>.</summary>
public sealed record HeaderAuth(string Scheme, SecretSource Credentials) : HttpAuth
{
    public override (string Scheme, string Parameter) Header() => (Scheme, Credentials.Read());
}

/// <summary><c>basic_auth: {username, password | password_file}</c>: <c>Authorization: Basic base64(username:password)</c>.</summary>
public sealed record BasicAuth(string Username, SecretSource? Password) : HttpAuth
{
    public override (string Scheme, string Parameter) Header() =>
        ("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Username}:{Password?.Read()}")));
}
