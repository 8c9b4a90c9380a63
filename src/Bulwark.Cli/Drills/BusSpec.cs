using Bulwark.Drills.Bus;
using Bulwark.Messaging.Transport;
using Bulwark.Sqlite.Messaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Cli.Drills;

/// <summary>
/// <c>--bus</c>: the target's message bus, for the message drills. <c>sqlite:PATH</c> opens the embedded queue file the
/// target consumes (the shop's <c>&lt;data folder&gt;/messaging.db</c>) with a transport of the CLI's own; the file's
/// bindings decide which queues a publish reaches, exactly as for the target's own producers.
/// </summary>
internal static class BusSpec
{
    public static (IBusInjector Injector, IMessageTransport Transport) Open(string spec, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--bus '{spec}' is not understood; give sqlite:<the target's data folder>/messaging.db.");
        }

        var path = Path.GetFullPath(spec["sqlite:".Length..]);
        if (!File.Exists(path))
        {
            throw new UsageException($"--bus {spec}: no queue file at {path}; start the target first, or name its data folder's messaging.db.");
        }

        var transport = new SqliteMessageTransport(new SqliteTransportOptions { DatabasePath = path }, time, NullLogger<SqliteMessageTransport>.Instance);
        return (new TransportBusInjector(transport, "sqlite:" + path), transport);
    }
}
