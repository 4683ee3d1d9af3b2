-- Plane admission looks up who owns a vm_id on every /ws/vm connection (routes/plane.yaml: plane-admit).
CREATE INDEX idx_user_vm_instances_vm_id ON user_vm_instances(vm_id) WHERE vm_id IS NOT NULL;
