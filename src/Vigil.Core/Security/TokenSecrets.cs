using System.Security.Cryptography;
using System.Text;

namespace Vigil.Core.Security;

/// <summary>
/// API token secrets: 32 random bytes shown once as <c>vgl_&lt;base64url&gt;</c>; only the SHA-256 hex digest is
/// stored. A plain fast hash is enough because the secret has 256 bits of entropy (nothing to brute-force, unlike a
/// password), and it keeps per-request authentication cheap.
/// </summary>
public static class TokenSecrets
{
    public const string Prefix = "vgl_";

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string NewId() => Base64Url(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
