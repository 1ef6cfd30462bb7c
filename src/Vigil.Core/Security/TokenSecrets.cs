using System.Security.Cryptography;
using System.Text;

namespace Vigil.Core.Security;

/// <summary>
/// Creates API token secrets and the hashes stored for them. Shared by the server (<c>POST /api/v1/tokens</c>) and
/// the offline <c>vigil tokens bootstrap</c> so both produce identical tokens.
/// </summary>
public static class TokenSecrets
{
    /// <summary>Every secret starts with this, so leaked tokens are easy to recognise (and to scan for).</summary>
    public const string Prefix = "vgl_";

    private const string IdAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    /// <summary>A new secret: <c>vgl_</c> + base64url (no padding) of 32 cryptographically random bytes.</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 secret: the only thing the store keeps (<see cref="ApiToken.SecretHash"/>).</summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>A short random token id (10 characters, unambiguous lower-case letters and digits).</summary>
    public static string NewId() => RandomNumberGenerator.GetString(IdAlphabet, 10);

    /// <summary>Creates a token record and its secret; the secret must be shown to the user once and then forgotten.</summary>
    public static (ApiToken Token, string Secret) Issue(string name, Role role, string createdBy, DateTimeOffset now)
    {
        var secret = Generate();
        return (new ApiToken(NewId(), name, role, Hash(secret), now, createdBy), secret);
    }
}
