using SharpVL.Hub;

namespace SharpVL.Tests.Hub;

/// <summary>A fake Hub plus a temporary HF_HOME, removed on dispose; every call made through it is bounded in time.</summary>
public sealed class HubTestContext : IDisposable
{
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private readonly List<HubClient> _clients = [];

    public HubTestContext()
    {
        Home = TestScratch.CreateDirectory("sharpvl-hub-").FullName;
        Hub = new FakeHub();
    }

    public FakeHub Hub { get; }

    public string Home { get; }

    public string CacheDirectory => Path.Combine(Home, "hub");

    public CancellationToken Timeout => _timeout.Token;

    /// <summary>Environment as a user would set it: HF_HOME in the temp folder, HF_ENDPOINT at the fake Hub.</summary>
    public Dictionary<string, string> Environment() => new()
    {
        ["HF_HOME"] = Home,
        ["HF_ENDPOINT"] = Hub.Endpoint,
    };

    public HubSettings Settings(Action<Dictionary<string, string>>? editEnvironment = null)
    {
        var environment = Environment();
        editEnvironment?.Invoke(environment);
        return HubSettings.FromEnvironment(name => environment.GetValueOrDefault(name)) with
        {
            MetadataTimeout = TimeSpan.FromSeconds(10),
            DownloadTimeout = TimeSpan.FromSeconds(10),
            ResumeDelay = TimeSpan.FromMilliseconds(10),
        };
    }

    public HubClient Client(HubSettings? settings = null)
    {
        var client = new HubClient(settings ?? Settings());
        _clients.Add(client);
        return client;
    }

    public string RepoDirectory(string repoId) => Path.Combine(CacheDirectory, "models--" + repoId.Replace("/", "--", StringComparison.Ordinal));

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        Hub.Dispose();
        _timeout.Dispose();
        Directory.Delete(Home, recursive: true);
    }
}
