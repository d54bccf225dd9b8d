/*
 * model_bind.h - tensor directory -> float model (see model_bind.c).
 */
#ifndef RWKVACC_MODEL_BIND_H
#define RWKVACC_MODEL_BIND_H

#include "model.h"
#include "tensor_file.h"

/* Marks the tensors it uses in dir; does not free dir. */
rwkvacc_status rw_model_bind(rw_tensor_dir *dir, rwkvacc_model **out, rwkvacc_error *err);

#endif
