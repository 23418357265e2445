namespace RL.Algorithms.Training;

/// <summary>A random stream's state words (Xoshiro256.GetState) in a checkpoint file: a length, then the words.</summary>
public static class RngState
{
    public static void Write(BinaryWriter w, ulong[] state)
    {
        w.Write(state.Length);
        foreach (ulong v in state) w.Write(v);
    }

    public static ulong[] Read(BinaryReader r)
    {
        var s = new ulong[r.ReadInt32()];
        for (int i = 0; i < s.Length; i++) s[i] = r.ReadUInt64();
        return s;
    }
}
