using Bulwark.Drills.BlastRadius;
using Bulwark.Drills.CacheMiss;
using Bulwark.Drills.Cells;
using Bulwark.Drills.DatabaseSwap;
using Bulwark.Drills.DataMesh;
using Bulwark.Drills.Ddos;
using Bulwark.Drills.DoubleClick;
using Bulwark.Drills.Drift;
using Bulwark.Drills.ExpandContract;
using Bulwark.Drills.Hostile;
using Bulwark.Drills.Hotspot;
using Bulwark.Drills.Idempotency;
using Bulwark.Drills.LegacyErp;
using Bulwark.Drills.Needle;
using Bulwark.Drills.OneMillion;
using Bulwark.Drills.Ordering;
using Bulwark.Drills.PartialFailure;
using Bulwark.Drills.Payload;
using Bulwark.Drills.Physics;
using Bulwark.Drills.PlugPull;
using Bulwark.Drills.PoisonPill;
using Bulwark.Drills.Recovery;
using Bulwark.Drills.Replay;
using Bulwark.Drills.Sidecar;
using Bulwark.Drills.SilentFailure;
using Bulwark.Drills.SlowLoris;
using Bulwark.Drills.SplitBrain;
using Bulwark.Drills.StranglerZombie;
using Bulwark.Drills.Switches;
using Bulwark.Drills.TeamAutonomy;
using Bulwark.Drills.ThreeAm;
using Bulwark.Drills.Undo;
using Bulwark.Drills.Zombie;

namespace Bulwark.Drills.Model;

/// <summary>The drills that exist, by command-line name, with their documented default options.</summary>
public static class DrillCatalog
{
    /// <summary>Every drill's name, in checklist order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["plug-pull", "ddos", "slow-loris", "recovery", "zombie", "double-click", "replay", "hostile", "strangler-zombie", "poison-pill", "partial-failure", "drift", "undo", "blast-radius", "one-million", "cache-miss", "idempotency", "payload", "3am", "physics", "hotspot", "cell-blast-radius", "ordering", "split-brain", "silent-failure", "expand-contract", "needle", "team-autonomy", "data-mesh", "database-swap", "legacy-erp", "sidecar"];

    /// <summary>Every drill with default options.</summary>
    public static IReadOnlyList<IDrill> All() => [.. Names.Select(n => Create(n)!)];

    /// <summary>
    /// The drill named <paramref name="name"/> (case-insensitive), or null. <paramref name="duration"/> overrides its
    /// load duration; <paramref name="fault"/> how Plug-Pull pulls the plug; <paramref name="hostile"/> the Hostile drill's options;
    /// <paramref name="drift"/> the Drift drill's (its release folder);
    /// <paramref name="overrides"/> any option by name (thresholds from the command line), applied last.
    /// </summary>
    /// <exception cref="ArgumentException">An override names an option the drill lacks or does not parse.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option ends up out of range.</exception>
    public static IDrill? Create(string name, TimeSpan? duration = null, DependencyFault? fault = null, HostileOptions? hostile = null, DrillOptionOverrides? overrides = null, DriftOptions? drift = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var set = overrides ?? DrillOptionOverrides.None;
        T With<T>(T options, Action<T> change)
            where T : class
        {
            change(options);
            return set.ApplyTo(name.ToLowerInvariant(), options);
        }

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
            "DOUBLE-CLICK" => new DoubleClickDrill(With(new DoubleClickOptions(), _ => { })),
            "REPLAY" => new ReplayDrill(With(new ReplayOptions(), _ => { })),
            "HOSTILE" => new HostileDrill(With(hostile ?? new HostileOptions(), _ => { })),
            "STRANGLER-ZOMBIE" => new StranglerZombieDrill(With(new StranglerZombieOptions(), o => o.ObserveFor = duration ?? o.ObserveFor)),
            "POISON-PILL" => new PoisonPillDrill(With(new PoisonPillOptions(), _ => { })),
            "PARTIAL-FAILURE" => new PartialFailureDrill(With(new PartialFailureOptions(), _ => { })),
            "DRIFT" => new DriftDrill(With(drift ?? new DriftOptions(), o => o.DetectWithin = duration ?? o.DetectWithin)),
            "UNDO" => new UndoDrill(With(new UndoOptions(), o => o.Hold = duration is { } d ? d / 3 : o.Hold)),
            "BLAST-RADIUS" => new BlastRadiusDrill(With(new BlastRadiusOptions(), o => o.MaxDuration = duration ?? o.MaxDuration)),
            "ONE-MILLION" => new OneMillionDrill(With(new OneMillionOptions(), o => o.StepDuration = duration ?? o.StepDuration)),
            "CACHE-MISS" => new CacheMissDrill(With(new CacheMissOptions(), o => o.Duration = duration ?? o.Duration)),
            "IDEMPOTENCY" => new IdempotencyDrill(With(new IdempotencyOptions(), _ => { })),
            "PAYLOAD" => new PayloadDrill(With(new PayloadOptions(), _ => { })),
            "3AM" => new ThreeAmDrill(With(new ThreeAmOptions(), o => o.NonSymptomFor = duration ?? o.NonSymptomFor)),
            "PHYSICS" => new PhysicsDrill(With(new PhysicsOptions(), _ => { })),
            "HOTSPOT" => new HotspotDrill(With(new HotspotOptions(), o => o.Duration = duration ?? o.Duration)),
            "CELL-BLAST-RADIUS" => new CellBlastRadiusDrill(With(new CellBlastRadiusOptions(), o => o.Outage = duration ?? o.Outage)),
            "ORDERING" => new OrderingDrill(With(new OrderingOptions(), _ => { })),
            "SPLIT-BRAIN" => new SplitBrainDrill(With(new SplitBrainOptions(), o => o.Partition = duration ?? o.Partition)),
            "SILENT-FAILURE" => new SilentFailureDrill(With(new SilentFailureOptions(), o => o.LockFor = duration ?? o.LockFor)),
            "EXPAND-CONTRACT" => new ExpandContractDrill(With(new ExpandContractOptions(), o => o.Hold = duration is { } d ? d / 2 : o.Hold)),
            "NEEDLE" => new NeedleDrill(With(new NeedleOptions(), _ => { })),
            "TEAM-AUTONOMY" => new TeamAutonomyDrill(With(new TeamAutonomyOptions(), o => o.Duration = duration ?? o.Duration)),
            "DATA-MESH" => new DataMeshDrill(With(new DataMeshOptions(), _ => { })),
            "DATABASE-SWAP" => new DatabaseSwapDrill(With(new DatabaseSwapOptions(), _ => { })),
            "LEGACY-ERP" => new LegacyErpDrill(With(new LegacyErpOptions(), _ => { })),
            "SIDECAR" => new SidecarDrill(With(new SidecarOptions(), o => o.Failing = duration ?? o.Failing)),
            _ => null,
        };
    }
}
