using Bulwark.Drills.BlastRadius;
using Bulwark.Drills.Ddos;
using Bulwark.Drills.DoubleClick;
using Bulwark.Drills.Hostile;
using Bulwark.Drills.PlugPull;
using Bulwark.Drills.Recovery;
using Bulwark.Drills.Replay;
using Bulwark.Drills.SlowLoris;
using Bulwark.Drills.StranglerZombie;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Undo;
using Bulwark.Drills.Zombie;

namespace Bulwark.Drills.Model;

/// <summary>The drills that exist, by command-line name, with their documented default options.</summary>
public static class DrillCatalog
{
    /// <summary>Every drill's name, in checklist order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["plug-pull", "ddos", "slow-loris", "recovery", "zombie", "double-click", "replay", "hostile", "strangler-zombie", "undo", "blast-radius"];

    /// <summary>Every drill with default options.</summary>
    public static IReadOnlyList<IDrill> All() => [.. Names.Select(n => Create(n)!)];

    /// <summary>
    /// The drill named <paramref name="name"/> (case-insensitive), or null. <paramref name="duration"/> overrides its
    /// load duration; <paramref name="fault"/> how Plug-Pull pulls the plug; <paramref name="hostile"/> the Hostile drill's options.
    /// </summary>
    public static IDrill? Create(string name, TimeSpan? duration = null, DependencyFault? fault = null, HostileOptions? hostile = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant() switch
        {
            "PLUG-PULL" => new PlugPullDrill(With(new PlugPullOptions(), o =>
            {
                o.Duration = duration ?? o.Duration;
                o.Fault = fault ?? o.Fault;
            })),
            "DDOS" => new DdosDrill(With(new DdosOptions(), o => o.Duration = duration ?? o.Duration)),
            "SLOW-LORIS" => new SlowLorisDrill(With(new SlowLorisOptions(), o => o.Duration = duration ?? o.Duration)),
            "RECOVERY" => new RecoveryDrill(With(new RecoveryOptions(), o => o.Outage = duration ?? o.Outage)),
            "ZOMBIE" => new ZombieDrill(With(new ZombieOptions(), o => o.ObserveFor = duration ?? o.ObserveFor)),
            "DOUBLE-CLICK" => new DoubleClickDrill(),
            "REPLAY" => new ReplayDrill(),
            "HOSTILE" => new HostileDrill(hostile),
            "STRANGLER-ZOMBIE" => new StranglerZombieDrill(With(new StranglerZombieOptions(), o => o.ObserveFor = duration ?? o.ObserveFor)),
            "UNDO" => new UndoDrill(With(new UndoOptions(), o => o.Hold = duration is { } d ? d / 3 : o.Hold)),
            "BLAST-RADIUS" => new BlastRadiusDrill(With(new BlastRadiusOptions(), o => o.MaxDuration = duration ?? o.MaxDuration)),
            _ => null,
        };
    }

    private static T With<T>(T options, Action<T> change)
    {
        change(options);
        return options;
    }
}
