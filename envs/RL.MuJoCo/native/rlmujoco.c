// rlmujoco: the thin C layer between RL.MuJoCo (C#) and Debian's libmujoco 2.2.2.
//
// Why it exists (../../shared/docs/mujoco-notes.md, pitfalls 1, 2 and 7):
//  * MuJoCo's mju_error never returns: the default handler writes MUJOCO_LOG.TXT, waits for Enter and
//    exits. A C# exception must not unwind through MuJoCo's C frames, so every call that can reach
//    mju_error runs here under setjmp, and the error handler longjmps back to a thread-local landing pad.
//    The C# side then sees an error code and a message, and must reset the mjData.
//  * Warnings are captured (per thread) instead of printed and logged to a file.
//  * Struct layouts are taken from the installed headers through mjxmacro.h, never counted by hand.
#include <mujoco/mujoco.h>
#include <mujoco/mjxmacro.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RLMJ_EXPORT __attribute__((visibility("default")))

static __thread jmp_buf* t_pad = NULL;
static __thread char t_error[1024];
static __thread char t_warning[1024];
static __thread long t_warnings = 0;

static void on_error(const char* msg) {
  snprintf(t_error, sizeof t_error, "%s", msg ? msg : "(no message)");
  if (t_pad) longjmp(*t_pad, 1);
  // An error outside a guarded call: returning would let MuJoCo exit(1). Say why, then abort.
  fprintf(stderr, "rlmujoco: MuJoCo error outside a guarded call: %s\n", t_error);
  abort();
}

static void on_warning(const char* msg) {
  snprintf(t_warning, sizeof t_warning, "%s", msg ? msg : "(no message)");
  t_warnings++;
}

// Runs STMT with the error handler armed; returns -1 from the enclosing function if MuJoCo raised an error.
#define GUARDED(STMT)                                  \
  do {                                                 \
    jmp_buf pad;                                       \
    jmp_buf* previous = t_pad;                         \
    t_error[0] = 0;                                    \
    if (setjmp(pad)) { t_pad = previous; return -1; }  \
    t_pad = &pad;                                      \
    STMT;                                              \
    t_pad = previous;                                  \
  } while (0)

RLMJ_EXPORT int rlmj_init(void) {
  mju_user_error = on_error;
  mju_user_warning = on_warning;
  return mj_version();
}

RLMJ_EXPORT int rlmj_header_version(void) { return mjVERSION_HEADER; }
RLMJ_EXPORT const char* rlmj_last_error(void) { return t_error; }
RLMJ_EXPORT const char* rlmj_last_warning(void) { return t_warning; }
RLMJ_EXPORT long rlmj_warning_count(void) { return t_warnings; }

// Loads MJCF text through a one-file virtual file system, so no temporary file is needed.
RLMJ_EXPORT int rlmj_load_xml_string(const char* xml, mjModel** out, char* err, int errlen) {
  *out = NULL;
  if (errlen > 0) err[0] = 0;
  mjVFS* vfs = (mjVFS*)malloc(sizeof(mjVFS));
  if (!vfs) { snprintf(err, errlen, "out of memory for the virtual file system"); return -1; }
  mj_defaultVFS(vfs);
  int size = (int)strlen(xml);
  int rc = mj_makeEmptyFileVFS(vfs, "model.xml", size);
  if (rc != 0) { snprintf(err, errlen, "virtual file system refused the model (code %d)", rc); free(vfs); return -1; }
  int index = mj_findFileVFS(vfs, "model.xml");
  memcpy(vfs->filedata[index], xml, (size_t)size);
  mjModel* m = NULL;
  jmp_buf pad;
  jmp_buf* previous = t_pad;
  t_error[0] = 0;
  if (setjmp(pad)) {
    t_pad = previous;
    snprintf(err, errlen, "%s", t_error);
    mj_deleteVFS(vfs);
    free(vfs);
    return -1;
  }
  t_pad = &pad;
  m = mj_loadXML("model.xml", vfs, err, errlen);
  t_pad = previous;
  mj_deleteVFS(vfs);
  free(vfs);
  *out = m;
  return m ? 0 : -1;
}

RLMJ_EXPORT int rlmj_make_data(const mjModel* m, mjData** out) { *out = NULL; GUARDED(*out = mj_makeData(m)); return *out ? 0 : -1; }
RLMJ_EXPORT int rlmj_copy_model(const mjModel* m, mjModel** out) { *out = NULL; GUARDED(*out = mj_copyModel(NULL, m)); return *out ? 0 : -1; }
RLMJ_EXPORT void rlmj_delete_data(mjData* d) { if (d) mj_deleteData(d); }
RLMJ_EXPORT void rlmj_delete_model(mjModel* m) { if (m) mj_deleteModel(m); }
RLMJ_EXPORT int rlmj_reset_data(const mjModel* m, mjData* d) { GUARDED(mj_resetData(m, d)); return 0; }
RLMJ_EXPORT int rlmj_step(const mjModel* m, mjData* d) { GUARDED(mj_step(m, d)); return 0; }
RLMJ_EXPORT int rlmj_step1(const mjModel* m, mjData* d) { GUARDED(mj_step1(m, d)); return 0; }
RLMJ_EXPORT int rlmj_step2(const mjModel* m, mjData* d) { GUARDED(mj_step2(m, d)); return 0; }
RLMJ_EXPORT int rlmj_forward(const mjModel* m, mjData* d) { GUARDED(mj_forward(m, d)); return 0; }
RLMJ_EXPORT int rlmj_kinematics(const mjModel* m, mjData* d) { GUARDED(mj_kinematics(m, d); mj_comPos(m, d)); return 0; }
RLMJ_EXPORT int rlmj_solve_m(const mjModel* m, mjData* d, mjtNum* x, const mjtNum* y, int n) { GUARDED(mj_solveM(m, d, x, y, n)); return 0; }
// The velocity-implicit step of RL.Envs.LearningToRun, in MuJoCo's sparse inertia layout (qM): for dof i the entries
// (i, j) for j = i, parent(i), parent(parent(i)), … start at dof_Madr[i]. `damping` uses that layout too (nM values),
// which it can because every damping term of the model couples only dofs of one kinematic chain. A = M − h·D is
// factored as L'·D·L with the tree-sparse algorithm MuJoCo uses for M itself (Featherstone's LTDL: no fill-in), so
// A⁻¹ = L⁻¹·D⁻¹·L'⁻¹ and the three pieces below can be applied separately: the knee constraint needs
// J·A⁻¹·Jᵀ = (L'⁻¹Jᵀ)ᵀ·D⁻¹·(L'⁻¹Jᵀ), which takes only the first half of each solve (issue 15).

// ld (nM) ← the factor of M − h·D, M from d->qM. Returns 0, or −1−k when the pivot of dof k is not positive.
RLMJ_EXPORT int rlmj_ltdl_factor(const mjModel* m, const mjData* d, const mjtNum* damping, mjtNum h, mjtNum* ld) {
  const int nv = m->nv, nM = m->nM;
  const int* adr = m->dof_Madr;
  const int* parent = m->dof_parentid;
  for (int i = 0; i < nM; i++) ld[i] = d->qM[i] - h * damping[i];
  for (int k = nv - 1; k >= 0; k--) {
    mjtNum pivot = ld[adr[k]];
    if (!(pivot > 0)) return -1 - k;
    mjtNum inverse = 1 / pivot;
    int ki = adr[k] + 1;
    for (int i = parent[k]; i >= 0; i = parent[i], ki++) {
      mjtNum a = ld[ki] * inverse;
      // row i from (i, i) on and row k from (k, i) on list the same chain i, parent(i), …
      int cnt = (i + 1 < nv ? adr[i + 1] : nM) - adr[i];
      mjtNum* row = ld + adr[i];
      const mjtNum* from = ld + ki;
      for (int t = 0; t < cnt; t++) row[t] -= a * from[t];
      ld[ki] = a;
    }
  }
  return 0;
}

// The right-hand sides are solved side by side: each factor entry is loaded once for all of them, and their
// dependency chains interleave (issue 15: one after another, the five solves were 16 % of an env step).
enum { MaxSide = 8 };

// x ← L'⁻¹·x (leaves to root) for `count` contiguous vectors of length nv.
RLMJ_EXPORT void rlmj_ltdl_solve_upper(const mjModel* m, const mjtNum* ld, mjtNum* rhs, int count) {
  const int nv = m->nv;
  const int* adr = m->dof_Madr;
  const int* parent = m->dof_parentid;
  for (int c0 = 0; c0 < count; c0 += MaxSide) {
    int nc = count - c0 < MaxSide ? count - c0 : MaxSide;
    mjtNum* x = rhs + (size_t)c0 * nv;
    for (int i = nv - 1; i >= 0; i--) {
      int a = adr[i] + 1;
      for (int j = parent[i]; j >= 0; j = parent[j], a++) {
        mjtNum f = ld[a];
        for (int c = 0; c < nc; c++) x[c * nv + j] -= f * x[c * nv + i];
      }
    }
  }
}

// x ← L⁻¹·D⁻¹·x (root to leaves) for `count` contiguous vectors: row i needs only rows above it, already final.
RLMJ_EXPORT void rlmj_ltdl_solve_lower(const mjModel* m, const mjtNum* ld, mjtNum* rhs, int count) {
  const int nv = m->nv;
  const int* adr = m->dof_Madr;
  const int* parent = m->dof_parentid;
  for (int c0 = 0; c0 < count; c0 += MaxSide) {
    int nc = count - c0 < MaxSide ? count - c0 : MaxSide;
    mjtNum* x = rhs + (size_t)c0 * nv;
    for (int i = 0; i < nv; i++) {
      mjtNum inverse = 1 / ld[adr[i]];
      int a = adr[i] + 1;
      mjtNum xi[MaxSide];
      for (int c = 0; c < nc; c++) xi[c] = x[c * nv + i] * inverse;
      for (int j = parent[i]; j >= 0; j = parent[j], a++) {
        mjtNum f = ld[a];
        for (int c = 0; c < nc; c++) xi[c] -= f * x[c * nv + j];
      }
      for (int c = 0; c < nc; c++) x[c * nv + i] = xi[c];
    }
  }
}

RLMJ_EXPORT int rlmj_full_m(const mjModel* m, mjData* d, mjtNum* dst) { GUARDED(mj_fullM(m, dst, d->qM)); return 0; }

// Integer sizes of mjModel (nq, nv, nbody, ...) by name; -1 when the name is unknown.
RLMJ_EXPORT int rlmj_model_int(const mjModel* m, const char* name) {
#define X(field) if (strcmp(name, #field) == 0) return m->field;
  MJMODEL_INTS
#undef X
  return -1;
}

// Array fields of mjModel by name; NULL when unknown.
RLMJ_EXPORT void* rlmj_model_ptr(const mjModel* m, const char* name) {
#define X(type, field, nr, nc) if (strcmp(name, #field) == 0) return (void*)m->field;
  MJMODEL_POINTERS
#undef X
  if (strcmp(name, "opt.timestep") == 0) return (void*)&m->opt.timestep;
  if (strcmp(name, "opt.gravity") == 0) return (void*)m->opt.gravity;
  if (strcmp(name, "opt.disableflags") == 0) return (void*)&m->opt.disableflags;
  if (strcmp(name, "opt.integrator") == 0) return (void*)&m->opt.integrator;
  return NULL;
}

// Array and scalar fields of mjData by name; NULL when unknown. Pointers into d->buffer stay valid until
// mj_deleteData (mj_resetData does not move them).
RLMJ_EXPORT void* rlmj_data_ptr(mjData* d, const char* name) {
#define X(type, field, nr, nc) if (strcmp(name, #field) == 0) return (void*)d->field;
  MJDATA_POINTERS
#undef X
#define X(type, field) if (strcmp(name, #field) == 0) return (void*)&d->field;
  MJDATA_SCALAR
#undef X
  if (strcmp(name, "warning") == 0) return (void*)d->warning;
  return NULL;
}

RLMJ_EXPORT int rlmj_nwarning(void) { return mjNWARNING; }
RLMJ_EXPORT int rlmj_sizeof_warningstat(void) { return (int)sizeof(mjWarningStat); }
RLMJ_EXPORT int rlmj_name2id(const mjModel* m, int type, const char* name) { return mj_name2id(m, type, name); }
