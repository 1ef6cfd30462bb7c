using System.Net;
using Microsoft.AspNetCore.Http;
using Vigil.Core.Store;
using Vigil.Server.Auth;

namespace Vigil.Server.Tests.Auth;

/// <summary>
/// Open demo access (no token = the demo admin) is for this machine only, whatever Kestrel ended up bound to: a
/// configuration override (<c>Kestrel__Endpoints__Http__Url=http://0.0.0.0:…</c>) used to make it an open admin API on
/// the network while the log said "loopback only".
/// </summary>
public sealed class DemoAccessTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData(null, true)] // a Unix socket has no peer address
    [InlineData("192.0.2.10", false)]
    [InlineData("::ffff:192.0.2.10", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("0.0.0.0", false)]
    public async Task A_tokenless_request_is_the_demo_admin_only_from_this_machine(string? peer, bool admin)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = peer is null ? null : IPAddress.Parse(peer);
        var middleware = new AuthenticationMiddleware(_ => Task.CompletedTask, new TokenAuthenticator(NoStore(), TimeProvider.System),
            new ServerSettings { Demo = true, OpenAccess = true });

        await middleware.InvokeAsync(context);

        Assert.Equal(admin, context.GetActor() == Actor.Demo);
    }

    private static IVigilStore NoStore() => System.Reflection.DispatchProxy.Create<IVigilStore, ThrowingStore>();

    public class ThrowingStore : System.Reflection.DispatchProxy
    {
        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException("a tokenless request must not read the store");
    }
}
