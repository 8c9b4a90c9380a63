using Bulwark.Messaging;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Host;

namespace Bulwark.ControlRoom.Tests.Browser;

/// <summary>
/// The real shop host on Kestrel (loopback, port 0, its own data folder) with the Control Room as the shop mounts it,
/// plus one test-only subscription whose handler refuses its messages until <see cref="ProbeSwitch.Fixed"/>: the way a
/// dead letter appears and is then redriven after a fix.
/// </summary>
internal sealed class ControlRoomShop : IAsyncDisposable
{
    public const string AdminKey = "demo-admin-key-change-me";
    public const string ProbeQueue = "controlroom-probe";

    private readonly WebApplication _app;
    private readonly HostLogFile _logs;

    private ControlRoomShop(WebApplication app, HostLogFile logs)
    {
        _app = app;
        _logs = logs;
        BaseAddress = new Uri(app.Urls.First());
        Admin = new HttpClient { BaseAddress = BaseAddress };
        Admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
    }

    public Uri BaseAddress { get; }

    public HttpClient Admin { get; }

    public IServiceProvider Services => _app.Services;

    public ProbeSwitch Probe => _app.Services.GetRequiredService<ProbeSwitch>();

    public static async Task<ControlRoomShop> StartAsync(params string[] settings)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-controlroom-" + Guid.NewGuid().ToString("N"));
        var logs = HostLogFile.ForCurrentTest("shop");
        var app = ShopApp.Build(
            [
                "--urls=http://127.0.0.1:0",
                "--environment=Development",
                $"--Shop:Data:Path={dataPath}",
                "--Shop:Externals:Launch=false",
                $"--Shop:Externals:PaymentProviderUrl=http://127.0.0.1:{FreePort.Refusing}",
                $"--Shop:Externals:RecommendationsUrl=http://127.0.0.1:{FreePort.Refusing}",
                "--Logging:LogLevel:Default=Warning",
                "--Bulwark:ControlRoom:RefreshInterval=00:00:01",
                .. settings,
            ],
            builder =>
            {
                builder.Logging.ClearProviders().AddProvider(logs);
                builder.Services.AddSingleton<ProbeSwitch>();
                builder.Services.AddBulwarkMessaging()
                    .AddMessageType<ProbeMessage>("controlroom.probe")
                    .AddSubscription(ProbeQueue, s => s.Handle<ProbeMessage, ProbeHandler>());
            });
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            // Settings refused at start (a validation test): release the host and its log file.
            await app.DisposeAsync();
            logs.Dispose();
            throw;
        }

        return new ControlRoomShop(app, logs);
    }

    public Uri Url(string path) => new(BaseAddress, path);

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _logs.Dispose();
    }
}

internal sealed record ProbeMessage(string Text);

/// <summary>Whether the probe handler's "fix" has shipped, and how many probes it handled since.</summary>
internal sealed class ProbeSwitch
{
    private int _handled;

    public volatile bool Fixed;

    public int Handled => Volatile.Read(ref _handled);

    public void CountHandled() => Interlocked.Increment(ref _handled);
}

internal sealed class ProbeHandler(ProbeSwitch probe) : IMessageHandler<ProbeMessage>
{
    public Task HandleAsync(ProbeMessage message, MessageContext context, CancellationToken cancellationToken)
    {
        if (!probe.Fixed)
        {
            throw new PermanentMessageException($"The probe handler cannot handle '{message.Text}' until it is fixed.");
        }

        probe.CountHandled();
        return Task.CompletedTask;
    }
}
