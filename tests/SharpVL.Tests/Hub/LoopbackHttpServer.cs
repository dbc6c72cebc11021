using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SharpVL.Tests.Hub;

/// <summary>One request as the server saw it.</summary>
public sealed record RecordedRequest(string Method, string Path, string? Authorization, string? Range);

/// <summary>A real HTTP server on 127.0.0.1 (ephemeral port) that records requests and hands them to a handler.</summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<HttpListenerContext, Task> _handler;
    private readonly Task _acceptLoop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handler)
    {
        _handler = handler;
        (_listener, BaseUri) = StartOnFreePort();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseUri { get; }

    /// <summary>Base URL without trailing slash, as HF_ENDPOINT is written.</summary>
    public string Endpoint => BaseUri.ToString().TrimEnd('/');

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int Count(string method) => Requests.Count(r => r.Method == method);

    /// <summary>
    /// A local port bound but never listened on, held until disposed: connecting is refused at once, and no other
    /// test's server can take the port meanwhile.
    /// </summary>
    public static Socket ReserveClosedPort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Endpoint URL of a port reserved with <see cref="ReserveClosedPort"/>.</summary>
    public static string EndpointOf(Socket reserved) => $"http://127.0.0.1:{((IPEndPoint)reserved.LocalEndPoint!).Port}";

    private static int GetFreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // HttpListener's shared endpoint table can fail to unregister a port another test server reused
            // meanwhile; the socket is closed either way and the test's outcome does not depend on it.
        }
        _acceptLoop.Wait(TimeSpan.FromSeconds(5));
    }

    private static (HttpListener, Uri) StartOnFreePort()
    {
        // HttpListener cannot bind port 0, so take a port the OS just handed out and retry on a race.
        for (var attempt = 0; ; attempt++)
        {
            var port = GetFreePort();
            var prefix = $"http://127.0.0.1:{port}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
                return (listener, new Uri(prefix));
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                listener.Close();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Requests.Enqueue(new RecordedRequest(
                context.Request.HttpMethod,
                context.Request.Url!.AbsolutePath,
                context.Request.Headers["Authorization"],
                context.Request.Headers["Range"]));
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            await _handler(context);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The handler aborted the connection on purpose, or the client went away.
        }
    }
}
