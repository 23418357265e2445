using RL.MuJoCo;

namespace RL.Envs.Locomotion.Tests;

/// <summary>
/// Our model files against Gymnasium's, both compiled by MuJoCo: every array that shapes the physics must agree, and
/// both models stepped from one state with the same controls must follow the same trajectory.
/// </summary>
public unsafe class ModelComparisonTests
{
    private enum Kind { Double, Int, Byte }

    // (mjModel field, size that counts its rows, values per row, element type). Sizes follow mjmodel.h of 2.2.2.
    private static readonly (string Field, string Rows, int Columns, Kind Kind)[] Fields =
    {
        ("body_parentid", "nbody", 1, Kind.Int), ("body_pos", "nbody", 3, Kind.Double), ("body_quat", "nbody", 4, Kind.Double),
        ("body_ipos", "nbody", 3, Kind.Double), ("body_iquat", "nbody", 4, Kind.Double),
        ("body_mass", "nbody", 1, Kind.Double), ("body_inertia", "nbody", 3, Kind.Double),
        ("jnt_type", "njnt", 1, Kind.Int), ("jnt_bodyid", "njnt", 1, Kind.Int), ("jnt_limited", "njnt", 1, Kind.Byte),
        ("jnt_pos", "njnt", 3, Kind.Double), ("jnt_axis", "njnt", 3, Kind.Double), ("jnt_range", "njnt", 2, Kind.Double),
        ("jnt_stiffness", "njnt", 1, Kind.Double), ("jnt_solref", "njnt", 2, Kind.Double), ("jnt_solimp", "njnt", 5, Kind.Double),
        ("jnt_margin", "njnt", 1, Kind.Double),
        ("qpos0", "nq", 1, Kind.Double), ("qpos_spring", "nq", 1, Kind.Double),
        ("dof_damping", "nv", 1, Kind.Double), ("dof_armature", "nv", 1, Kind.Double), ("dof_frictionloss", "nv", 1, Kind.Double),
        ("geom_type", "ngeom", 1, Kind.Int), ("geom_bodyid", "ngeom", 1, Kind.Int), ("geom_contype", "ngeom", 1, Kind.Int),
        ("geom_conaffinity", "ngeom", 1, Kind.Int), ("geom_condim", "ngeom", 1, Kind.Int),
        ("geom_size", "ngeom", 3, Kind.Double), ("geom_pos", "ngeom", 3, Kind.Double), ("geom_quat", "ngeom", 4, Kind.Double),
        ("geom_friction", "ngeom", 3, Kind.Double), ("geom_solref", "ngeom", 2, Kind.Double), ("geom_solimp", "ngeom", 5, Kind.Double),
        ("geom_margin", "ngeom", 1, Kind.Double), ("geom_gap", "ngeom", 1, Kind.Double),
        ("actuator_trntype", "nu", 1, Kind.Int), ("actuator_trnid", "nu", 2, Kind.Int), ("actuator_ctrllimited", "nu", 1, Kind.Byte),
        ("actuator_gear", "nu", 6, Kind.Double), ("actuator_ctrlrange", "nu", 2, Kind.Double), ("actuator_forcerange", "nu", 2, Kind.Double),
        ("opt.timestep", "", 1, Kind.Double), ("opt.gravity", "", 3, Kind.Double), ("opt.integrator", "", 1, Kind.Int),
    };

    private static readonly string[] Sizes = { "nq", "nv", "nu", "na", "nbody", "njnt", "ngeom", "nsite", "neq", "ntendon", "npair", "nexclude" };

    [TestCaseSource(typeof(ReferenceModels), nameof(ReferenceModels.Files))]
    public void CompiledArraysMatchGymnasiumsModel(string file)
    {
        using var ours = ReferenceModels.Ours(file);
        using var reference = ReferenceModels.Reference(file);
        var problems = new List<string>();
        foreach (string size in Sizes)
            if (ours.Int(size) != reference.Int(size)) problems.Add($"{size}: ours {ours.Int(size)}, Gymnasium's {reference.Int(size)}");
        Assert.That(problems, Is.Empty, $"{file}: sizes differ");

        foreach (var (field, rows, columns, kind) in Fields)
        {
            int n = (rows.Length == 0 ? 1 : ours.Int(rows)) * columns;
            if (n == 0) continue;
            for (int i = 0; i < n; i++)
            {
                double a = Value(ours, field, kind, i), b = Value(reference, field, kind, i);
                // Gymnasium writes 0.19999999999999996 where we write 0.2: 1e-12 relative is far below any physical effect.
                if (!(Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Abs(b))))
                    problems.Add($"{field}[{i / columns}][{i % columns}]: ours {a:R}, Gymnasium's {b:R}");
            }
        }
        Assert.That(problems, Is.Empty, $"{file}: compiled arrays differ");
    }

    [TestCaseSource(typeof(ReferenceModels), nameof(ReferenceModels.Files))]
    public void TheNumbersThatDefineTheTaskAreThere(string file)
    {
        // A sanity anchor independent of the reference file: the v4 table's timestep, integrator, gears and ranges.
        using var m = ReferenceModels.Ours(file);
        var (timestep, integrator, gears) = file switch
        {
            LocomotionModels.Hopper => (0.002, 1, new double[] { 200, 200, 200 }),
            LocomotionModels.Walker2d => (0.002, 1, new double[] { 100, 100, 100, 100, 100, 100 }),
            _ => (0.01, 0, new double[] { 120, 90, 60, 120, 60, 30 }),
        };
        Assert.That(m.Timestep, Is.EqualTo(timestep));
        Assert.That(*m.Ints("opt.integrator"), Is.EqualTo(integrator), "mjtIntegrator of 2.2.2: 0 Euler, 1 RK4, 2 implicit");
        double* gear = m.Doubles("actuator_gear");
        double* range = m.Doubles("actuator_ctrlrange");
        for (int i = 0; i < m.Nu; i++)
        {
            Assert.That(gear[6 * i], Is.EqualTo(gears[i]), $"gear of actuator {i}");
            Assert.That((range[2 * i], range[2 * i + 1]), Is.EqualTo((-1.0, 1.0)), $"ctrl range of actuator {i}");
        }
        if (file == LocomotionModels.HalfCheetah)
        {
            double total = 0;
            for (int b = 0; b < m.Nbody; b++) total += m.Doubles("body_mass")[b];
            Assert.That(total, Is.EqualTo(14).Within(1e-9), "settotalmass=14");
        }
    }

    [TestCaseSource(typeof(ReferenceModels), nameof(ReferenceModels.Files))]
    public void BothModelsFollowTheSameTrajectory(string file)
    {
        using var ours = ReferenceModels.Ours(file);
        using var reference = ReferenceModels.Reference(file);
        using var a = new MjData(ours);
        using var b = new MjData(reference);
        var rng = new RL.Envs.Random.Xoshiro256(7);
        double maxGap = 0;
        // 500 physics steps with random controls: long enough for the feet to hit the floor, so contact
        // parameters matter too.
        for (int t = 0; t < 500; t++)
        {
            for (int i = 0; i < ours.Nu; i++) a.Ctrl[i] = b.Ctrl[i] = rng.Uniform(-1, 1);
            a.Step();
            b.Step();
            for (int i = 0; i < ours.Nq; i++) maxGap = Math.Max(maxGap, Math.Abs(a.Qpos[i] - b.Qpos[i]));
        }
        Assert.That(maxGap, Is.LessThan(1e-6), $"{file}: largest |Δqpos| over 500 steps");
    }

    private static double Value(MjModel m, string field, Kind kind, int i) => kind switch
    {
        Kind.Double => m.Doubles(field)[i],
        Kind.Int => m.Ints(field)[i],
        _ => ((byte*)m.Ints(field))[i],
    };
}
