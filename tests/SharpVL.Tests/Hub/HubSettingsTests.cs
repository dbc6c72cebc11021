using SharpVL.Hub;

namespace SharpVL.Tests.Hub;

public sealed class HubSettingsTests : IDisposable
{
    private readonly string _home = TestScratch.CreateDirectory("sharpvl-hfhome-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void DefaultsFollowHuggingfaceHubConstants()
    {
        var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        var settings = From([]);

        Assert.Equal("https://huggingface.co", settings.Endpoint);
        Assert.Equal(Path.Combine(profile, ".cache", "huggingface"), settings.HomeDirectory);
        Assert.Equal(Path.Combine(profile, ".cache", "huggingface", "hub"), settings.CacheDirectory);
        Assert.False(settings.Offline);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.MetadataTimeout);
    }

    [Fact]
    public void XdgCacheHomeMovesDefaultHome()
    {
        var settings = From(new() { ["XDG_CACHE_HOME"] = "/xdg" });

        Assert.Equal(Path.Combine("/xdg", "huggingface", "hub"), settings.CacheDirectory);
    }

    [Fact]
    public void HfHomeSetsCacheAndTokenFile()
    {
        File.WriteAllText(Path.Combine(_home, "token"), "  hf_abc123\n");

        var settings = From(new() { ["HF_HOME"] = _home, ["HF_ENDPOINT"] = "http://mirror.local:8080/" });

        Assert.Equal(Path.Combine(_home, "hub"), settings.CacheDirectory);
        Assert.Equal("hf_abc123", settings.Token);
        Assert.Equal("http://mirror.local:8080", settings.Endpoint);
    }

    [Fact]
    public void HfHubCacheWinsOverLegacyVariable()
    {
        Assert.Equal("/new", From(new() { ["HF_HUB_CACHE"] = "/new", ["HUGGINGFACE_HUB_CACHE"] = "/old", ["HF_HOME"] = _home }).CacheDirectory);
        Assert.Equal("/old", From(new() { ["HUGGINGFACE_HUB_CACHE"] = "/old", ["HF_HOME"] = _home }).CacheDirectory);
    }

    [Fact]
    public void HfTokenWinsOverTokenFile()
    {
        File.WriteAllText(Path.Combine(_home, "token"), "hf_file");

        Assert.Equal("hf_env", From(new() { ["HF_HOME"] = _home, ["HF_TOKEN"] = "hf_env" }).Token);
        Assert.Equal("hf_legacy", From(new() { ["HF_HOME"] = _home, ["HUGGING_FACE_HUB_TOKEN"] = "hf_legacy" }).Token);
        Assert.Null(From(new() { ["HF_HOME"] = Path.Combine(_home, "empty") }).Token);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("", false)]
    public void OfflineAcceptsHuggingfaceHubTrueValues(string value, bool expected)
    {
        Assert.Equal(expected, From(new() { ["HF_HUB_OFFLINE"] = value }).Offline);
        Assert.Equal(expected, From(new() { ["TRANSFORMERS_OFFLINE"] = value }).Offline);
    }

    [Fact]
    public void TimeoutsComeFromEnvironmentAndBadValuesAreNamed()
    {
        Assert.Equal(TimeSpan.FromSeconds(2.5), From(new() { ["HF_HUB_ETAG_TIMEOUT"] = "2.5" }).MetadataTimeout);
        var error = Assert.Throws<ArgumentException>(() => From(new() { ["HF_HUB_DOWNLOAD_TIMEOUT"] = "soon" }));
        Assert.Contains("HF_HUB_DOWNLOAD_TIMEOUT='soon'", error.Message);
    }

    [Fact]
    public void ToStringNeverShowsToken()
    {
        var settings = From(new() { ["HF_TOKEN"] = "hf_very_secret" });

        Assert.DoesNotContain("hf_very_secret", settings.ToString());
        Assert.Contains("Token = (set)", settings.ToString());
    }

    [Fact]
    public void CodeCanOverrideEnvironment()
    {
        var settings = From(new() { ["HF_HUB_OFFLINE"] = "1" }) with { Offline = false, Endpoint = "http://127.0.0.1:1" };

        Assert.False(settings.Offline);
        Assert.Equal("http://127.0.0.1:1", settings.Endpoint);
    }

    private static HubSettings From(Dictionary<string, string> environment) =>
        HubSettings.FromEnvironment(name => environment.GetValueOrDefault(name));
}
