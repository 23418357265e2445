using System.Reflection;
using RL.Envs.LearningToRun.Contact;
using RL.Envs.LearningToRun.Model;
using RL.Envs.LearningToRun.Muscles;
using RL.MuJoCo;

namespace RL.Envs.LearningToRun.Simulation;

/// <summary>Why a simulation step could not be completed.</summary>
public enum SimulationFault
{
    None,
    /// <summary>A MuJoCo warning counter moved: MuJoCo found a bad qpos/qvel/qacc and silently reset its data.</summary>
    MuJoCoWarning,
    /// <summary>MuJoCo raised an error (mju_error), caught by the shim.</summary>
    MuJoCoError,
    /// <summary>A muscle state or the skeleton state became NaN or infinite.</summary>
    NonFinite,
}

/// <summary>
/// The faithful 2017 physics: MuJoCo integrates the rigid skeleton; Thelen2003 muscles, Hunt–Crossley contact,
/// ligaments and the knee coupling are computed in C# every substep and applied as generalized forces.
/// Substep loop (mujoco-notes.md pitfall 4): forward dynamics once at reset, then per substep forces → implicit solve →
/// integrate → knee projection → forward, so body poses are current when a step returns. "Forward" and "integrate" are
/// mj_step1 and mj_step2 with <see cref="RigidBodyEngine.MuJoCo"/>, or the planar algorithms of
/// <see cref="PlanarDynamics"/> (the default: the same physics to rounding; issue 15). Each instance owns one mjData; the
/// mjModel is shared read-only between instances on any thread.
/// </summary>
public sealed class FaithfulSimulator : IDisposable
{
    // Compiled once per process; each simulator works on its own copy so it can change the timestep.
    private static readonly Lazy<MjModel> Template = new(() => MjModel.FromXml(ModelXml, "gait9dof18musc.xml"), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly MjModel _model;

    private readonly Skeleton _skeleton;
    private readonly MuscleSet _muscles = new();
    private readonly HuntCrossleyContact _contact = new();
    private readonly Ligaments _ligaments = new();
    private readonly double[] _excitation = new double[MuscleSet.Count];
    private ObstacleBody[] _obstacles = Array.Empty<ObstacleBody>();
    private long _warningsAtReset;

    public FaithfulSimulator(double substep, bool withMuscles = true, bool withContact = true, bool withLigaments = true,
        RigidBodyEngine engine = RigidBodyEngine.Planar)
    {
        Substep = substep;
        _model = Template.Value.Copy();
        _model.Timestep = substep;
        _skeleton = new Skeleton(_model, engine);
        WithMuscles = withMuscles;
        WithContact = withContact;
        WithLigaments = withLigaments;
    }

    /// <summary>The MJCF of the skeleton (embedded resource).</summary>
    public static string ModelXml
    {
        get
        {
            using var stream = typeof(FaithfulSimulator).Assembly.GetManifestResourceStream("gait9dof18musc.xml")
                ?? throw new InvalidOperationException("gait9dof18musc.xml is not embedded in " + typeof(FaithfulSimulator).Assembly.GetName().Name);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    public double Substep { get; }
    public bool WithMuscles { get; }
    public bool WithContact { get; }
    public bool WithLigaments { get; }
    public Skeleton Skeleton => _skeleton;
    public MuscleSet Muscles => _muscles;
    public Ligaments Ligaments => _ligaments;
    public HuntCrossleyContact Contact => _contact;
    public double Time => _skeleton.Data.Time;

    /// <summary>The segment geometry of the compiled model, for drawing the skeleton from its coordinates (rl render).</summary>
    public KinematicTree Kinematics => _kinematics ??= KinematicTree.Read(_model);
    private KinematicTree? _kinematics;

    /// <summary>The 2017 reset: default coordinates, zero speeds, the 2017 muscle state and the given strengths and obstacles.</summary>
    public unsafe void Reset(ReadOnlySpan<double> strength, ReadOnlySpan<ObstacleBody> obstacles)
    {
        var data = _skeleton.Data;
        data.Reset();
        double* q = data.Qpos;
        q[Skeleton.PelvisTilt] = Gait9dof18musc.DefaultPelvisTilt;
        q[Skeleton.PelvisTy] = Gait9dof18musc.DefaultPelvisY;
        _skeleton.ProjectKnees();
        _muscles.Reset(strength);
        _obstacles = obstacles.ToArray();
        _skeleton.Forward();
        _warningsAtReset = data.TotalWarnings;
        _skeleton.UpdateVelocities();
        _muscles.UpdateGeometry(_skeleton);
        _ligaments.Compute(_skeleton);
    }

    /// <summary>Size of the flat state vector: qpos, qvel, activations, fiber lengths, time.</summary>
    public const int StateSize = 2 * Skeleton.Dofs + 2 * MuscleSet.Count + 1;

    /// <summary>Copies the full dynamic state (skeleton, muscles, time) into <paramref name="state"/>.</summary>
    public unsafe void GetState(Span<double> state)
    {
        int k = 0;
        for (int j = 0; j < Skeleton.Dofs; j++) state[k++] = _skeleton.Qpos[j];
        for (int j = 0; j < Skeleton.Dofs; j++) state[k++] = _skeleton.Qvel[j];
        for (int m = 0; m < MuscleSet.Count; m++) state[k++] = _muscles.Activation[m];
        for (int m = 0; m < MuscleSet.Count; m++) state[k++] = _muscles.FiberLength[m];
        state[k] = _skeleton.Data.Time;
    }

    /// <summary>
    /// Restores a state taken by <see cref="GetState"/> (strengths and obstacles stay as they are). The knee slides
    /// are put back on their splines, so a pose can be given by its coordinates alone.
    /// </summary>
    public unsafe void SetState(ReadOnlySpan<double> state)
    {
        int k = 0;
        for (int j = 0; j < Skeleton.Dofs; j++) _skeleton.Qpos[j] = state[k++];
        for (int j = 0; j < Skeleton.Dofs; j++) _skeleton.Qvel[j] = state[k++];
        for (int m = 0; m < MuscleSet.Count; m++) _muscles.Activation[m] = state[k++];
        for (int m = 0; m < MuscleSet.Count; m++) _muscles.FiberLength[m] = state[k++];
        _muscles.ClearPredictor();
        _skeleton.Data.Time = state[k];
        _skeleton.ProjectKnees();
        _skeleton.Forward();
        _skeleton.UpdateVelocities();
        _muscles.UpdateGeometry(_skeleton);
        _ligaments.Compute(_skeleton);
    }

    /// <summary>Advances one env step (0.01 s) holding <paramref name="excitation"/> (clipped to [0, 1]) constant.</summary>
    public SimulationFault Step(ReadOnlySpan<double> excitation, int substeps)
    {
        double h = Substep;
        excitation.CopyTo(_excitation);
        var data = _skeleton.Data;
        try
        {
            for (int i = 0; i < substeps; i++)
            {
                // Reset, SetState and the end of the last step left velocities and paths computed for this very state.
                if (i > 0)
                {
                    _skeleton.UpdateVelocities();
                    if (WithMuscles) _muscles.UpdateGeometry(_skeleton);
                }
                _skeleton.ClearForces();
                if (WithMuscles) _muscles.Step(_skeleton, _excitation, h);
                if (WithContact) _contact.Apply(_skeleton, _obstacles);
                if (WithLigaments) _ligaments.Apply(_skeleton);
                _skeleton.WriteGeneralizedForces();
                _skeleton.SolveImplicitStep(h);
                _skeleton.Integrate(h);
                _skeleton.ProjectKnees();
                _skeleton.Forward();
            }
        }
        catch (MuJoCoException)
        {
            return SimulationFault.MuJoCoError;
        }
        catch (ArithmeticException)
        {
            // The implicit step's matrix lost positive definiteness: with the planar engine this is where a NaN or
            // infinite state shows first (MuJoCo's mj_step1 would have reset its data and counted a warning).
            return SimulationFault.NonFinite;
        }
        if (data.TotalWarnings != _warningsAtReset) return SimulationFault.MuJoCoWarning;
        if (!_muscles.AllFinite() || !StateFinite()) return SimulationFault.NonFinite;
        _skeleton.UpdateVelocities();
        _muscles.UpdateGeometry(_skeleton);
        _ligaments.Compute(_skeleton);
        return SimulationFault.None;
    }

    private unsafe bool StateFinite()
    {
        for (int j = 0; j < Skeleton.Dofs; j++)
            if (!double.IsFinite(_skeleton.Qpos[j]) || !double.IsFinite(_skeleton.Qvel[j])) return false;
        return true;
    }

    public void Dispose()
    {
        _skeleton.Dispose();
        _model.Dispose();
    }
}

/// <summary>Who computes the rigid skeleton's poses, inertia and bias forces and integrates them each substep.</summary>
public enum RigidBodyEngine
{
    /// <summary>Planar CRB and Newton–Euler in C# (<see cref="PlanarDynamics"/>), integrated with the step's own Δv.</summary>
    Planar,
    /// <summary>MuJoCo's mj_step1 and mj_step2 (the general 3-D algorithms), kept as the reference the planar engine is checked against.</summary>
    MuJoCo,
}
