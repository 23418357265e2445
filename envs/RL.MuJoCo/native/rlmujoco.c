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
// Factors the symmetric positive definite n×n matrix `mat` in place with MuJoCo's Cholesky (mju_cholFactor)
// and solves it for `count` right-hand sides stored one after another in `rhs` (overwritten). One call instead
// of one per vector keeps the C#↔C transitions off the hot path. Returns the rank found (n when the matrix is
// positive definite).
RLMJ_EXPORT int rlmj_spd_solve(mjtNum* mat, int n, mjtNum* rhs, int count) {
  int rank = mju_cholFactor(mat, n, 1e-15);
  if (rank != n) return rank;
  for (int i = 0; i < count; i++) mju_cholSolve(rhs + (size_t)i * n, mat, rhs + (size_t)i * n, n);
  return rank;
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
