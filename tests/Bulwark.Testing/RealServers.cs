using System.Net.Sockets;

namespace Bulwark.Testing;

/// <summary>The real servers integration tests run against.</summary>
public enum RealServer
{
    Postgres,
    Redis,
    RabbitMq,
    Azurite,
}

/// <summary>
/// Where the real servers are, and what a test does when one is missing: on a laptop it skips and says why;
/// in CI (<c>CI=true</c> or <c>BULWARK_REQUIRE_SERVERS=1</c>) it fails, so a skipped real-server test can never pass CI.
/// </summary>
public static class RealServers
{
    /// <summary>Whether a missing server fails the test instead of skipping it.</summary>
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("BULWARK_REQUIRE_SERVERS") == "1";

    /// <summary>Npgsql connection string of a role that may create databases.</summary>
    public static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable("BULWARK_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=bulwark;Password=bulwark;Database=postgres";

    /// <summary>StackExchange.Redis configuration string.</summary>
    public static string RedisConfiguration =>
        Environment.GetEnvironmentVariable("BULWARK_TEST_REDIS") ?? "127.0.0.1:6379";

    /// <summary>AMQP URI of the RabbitMQ broker.</summary>
    public static Uri RabbitMqUri =>
        new(Environment.GetEnvironmentVariable("BULWARK_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>Azure Storage connection string of the Azurite emulator.</summary>
    public static string AzuriteConnectionString =>
        Environment.GetEnvironmentVariable("BULWARK_TEST_AZURITE") ?? "UseDevelopmentStorage=true";

    /// <summary>
    /// Probes the server's TCP port; skips the test (laptop) or fails it (CI) when nothing answers.
    /// </summary>
    public static async Task RequireAsync(RealServer server)
    {
        var (host, port) = Endpoint(server);
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Unavailable(server, $"nothing answers on {host}:{port} ({e.GetType().Name}); run `bash .ci/services.sh` to install and start it");
        }
    }

    /// <summary>Skips (laptop) or fails (CI) the current test because <paramref name="server"/> is unavailable.</summary>
    public static void Unavailable(RealServer server, string reason) => Unavailable(server.ToString(), reason);

    /// <summary>
    /// Skips (laptop) or fails (CI) the current test because <paramref name="server"/>, a server the test starts itself
    /// from an installed binary (such as Varnish), is unavailable.
    /// </summary>
    public static void Unavailable(string server, string reason)
    {
        var message = $"{server} is required by this test but unavailable: {reason}";
        if (Required)
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }

    private static (string Host, int Port) Endpoint(RealServer server) => server switch
    {
        RealServer.Postgres => PostgresEndpoint(),
        RealServer.Redis => HostPort(RedisConfiguration.Split(',')[0]),
        RealServer.RabbitMq => (RabbitMqUri.Host, RabbitMqUri.Port > 0 ? RabbitMqUri.Port : 5672),
        RealServer.Azurite => AzuriteEndpoint(),
        _ => throw new ArgumentOutOfRangeException(nameof(server)),
    };

    // The probe reads the same connection strings the tests use, so pointing a test elsewhere moves the probe too.
    private static (string Host, int Port) PostgresEndpoint()
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = PostgresConnectionString };
        var host = builder.TryGetValue("Host", out var h) ? Convert.ToString(h, System.Globalization.CultureInfo.InvariantCulture)! : "127.0.0.1";
        var port = builder.TryGetValue("Port", out var p) ? Convert.ToInt32(p, System.Globalization.CultureInfo.InvariantCulture) : 5432;
        return (host.Split(',')[0], port);
    }

    private static (string Host, int Port) AzuriteEndpoint()
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = AzuriteConnectionString };
        if (builder.TryGetValue("BlobEndpoint", out var endpoint) && Uri.TryCreate(Convert.ToString(endpoint, System.Globalization.CultureInfo.InvariantCulture), UriKind.Absolute, out var uri))
        {
            return (uri.Host, uri.Port);
        }

        return ("127.0.0.1", 10000);
    }

    private static (string Host, int Port) HostPort(string value)
    {
        var i = value.LastIndexOf(':');
        return (value[..i], int.Parse(value[(i + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
